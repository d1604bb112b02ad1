import { readFile } from 'node:fs/promises';
import { expect, type Locator, type Page, test } from '@playwright/test';
import { apiRegister, logIn, screenshotPath } from './helpers';

// The demo study (studies/demo.yaml): two conditions, balanced; "with-ai" has the model chat in the first
// task, backed by the loopback model server of the e2e run ("Echo: <text> [system: …] [turns: n]").
const researcher = { username: 'researcher', password: 'researcher-pass' };
const PROLIFIC_DONE = 'https://app.prolific.com/submissions/complete?cc=PARLEYDEMO';

/** A Prolific id: 24 hexadecimal digits, new on every call. */
function newParticipantId(): string {
  return Array.from({ length: 24 }, () => Math.floor(Math.random() * 16).toString(16)).join('');
}

const studyLink = (pid: string) => `/study/demo?PROLIFIC_PID=${pid}&STUDY_ID=s1&SESSION_ID=x1`;

/** A question, found by its text (a fieldset named by its legend or label). */
const question = (page: Page, text: string | RegExp): Locator => page.getByRole('group', { name: text });

interface Finished {
  participantId: string;
  /** What they said to the assistant, when their condition has the chat. */
  chatText: string | null;
}

/** Prolific is not on the network here: answer its completion page locally. */
async function fakeProlific(page: Page) {
  await page.route('https://app.prolific.com/**', (route) =>
    route.fulfill({
      status: 200,
      contentType: 'text/html',
      body: '<!doctype html><title>Prolific</title><h1>Submission received</h1>',
    }),
  );
}

async function chatWithTheAssistant(page: Page, chat: Locator, participantId: string): Promise<string> {
  // Replies stream over the WebSocket (jobUpdated), not by polling jobStatus.
  const sockets: string[] = [];
  const polls: string[] = [];
  page.on('websocket', (socket) => sockets.push(socket.url()));
  // Only the new message is sent: the server keeps the conversation.
  const sent: number[] = [];
  page.on('request', (request) => {
    if (request.postData()?.includes('StudyJobStatus')) polls.push(request.url());
    if (request.postData()?.includes('StudySubmitChat'))
      sent.push(request.postDataJSON().variables.input.messages.length);
  });
  const turnsLeft = chat.getByTestId('turns-left');
  await expect(turnsLeft).toHaveText('10 of 10 messages left');
  const box = chat.getByLabel('Message to the assistant');

  // Enter sends; the reply streams in, written with the condition's system prompt.
  const text = `Is the ball 10 cents? (${participantId})`;
  await box.fill(text);
  await box.press('Enter');
  await expect(chat.getByRole('listitem').filter({ hasText: text }).first()).toBeVisible();
  const reply = chat.locator('li[data-role="assistant"]').filter({ hasText: `Echo: ${text}` });
  await expect(reply).toContainText('[system: You are a helpful tutor.');
  await expect(reply).toHaveAttribute('data-state', 'COMPLETED');
  await expect(turnsLeft).toHaveText('9 of 10 messages left');

  // An image is shrunk in the browser (at most 512 px, JPEG) before it is sent.
  const png = await page.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 1600;
    canvas.height = 900;
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = '#33aa77';
    ctx.fillRect(0, 0, 1600, 900);
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(400, 200, 800, 500);
    return canvas.toDataURL('image/png').split(',')[1] ?? '';
  });
  await chat
    .locator('input[type=file]')
    .setInputFiles({ name: 'sketch.png', mimeType: 'image/png', buffer: Buffer.from(png, 'base64') });
  const attached = chat.getByRole('img', { name: 'Attachment 1' });
  await expect(attached).toBeVisible();
  const shrunk = await attached.evaluate((img: HTMLImageElement) => ({
    width: img.naturalWidth,
    height: img.naturalHeight,
    type: img.src.slice(0, img.src.indexOf(';')),
  }));
  expect(shrunk).toEqual({ width: 512, height: 288, type: 'data:image/jpeg' });
  await box.fill('What do you see in my sketch?');
  await chat.getByRole('button', { name: 'Send' }).click();
  await expect(chat.locator('li[data-role="assistant"]').filter({ hasText: 'Echo: What do you see' })).toContainText(
    '[images: 1 image/jpeg]',
  );

  // A long reply can be stopped; what was said so far stays.
  await box.fill('Count slowly for me [tokens:200] [delay:50]');
  await box.press('Enter');
  const counting = chat.locator('li[data-role="assistant"]').last();
  await expect(counting).toContainText('t5 t6');
  await chat.getByRole('button', { name: 'Stop' }).click();
  await expect(counting).toHaveAttribute('data-state', 'CANCELED');
  await expect(counting).toContainText('Stopped.');
  await expect(turnsLeft).toHaveText('7 of 10 messages left');

  // A reply being written when the page reloads is followed again, to its end.
  await box.fill('Count to thirty [tokens:30] [delay:80]');
  await box.press('Enter');
  // The fourth reply: the stopped one before it says "t3 t4" too, and the reload must not cut the send short.
  await expect(chat.locator('li[data-role="assistant"]').nth(3)).toContainText('t3 t4');
  await page.reload();
  const resumed = chat.locator('li[data-role="assistant"]').last();
  await expect(resumed).toHaveAttribute('data-state', 'COMPLETED');
  await expect(resumed).toContainText('t1 t2');
  await expect(resumed).toContainText('t29 t30');
  await expect(turnsLeft).toHaveText('6 of 10 messages left');
  expect(sockets.some((url) => url.endsWith('/graphql'))).toBe(true);
  expect(polls).toEqual([]);
  expect(sent).toEqual([1, 1, 1, 1]);
  return text;
}

/** One participant from the Prolific link to the Prolific completion page. */
async function takePart(page: Page, participantId: string, screenshots: { consent: boolean; task: boolean }) {
  await fakeProlific(page);
  await page.goto(studyLink(participantId));

  // Consent first.
  await expect(page.getByRole('heading', { name: 'Consent to take part' })).toBeVisible();
  await expect(page.getByText('Consent', { exact: true })).toBeVisible();
  if (screenshots.consent) await page.screenshot({ path: screenshotPath('study-consent') });
  await page.getByRole('button', { name: 'I agree' }).click();

  // Task 1: the puzzle, with the assistant in one condition only.
  await expect(page.getByText('Task 1 of 2')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'The bat and the ball' })).toBeVisible();
  await expect(page.getByTestId('time-left')).toContainText(/Time left: (29|30):\d\d/);
  const chat = page.getByRole('region', { name: 'Chat with the AI assistant' });
  const hasChat = (await chat.count()) > 0;
  const chatText = hasChat ? await chatWithTheAssistant(page, chat, participantId) : null;
  // One column on a phone: nothing wider than the screen, the chat under the instructions.
  const viewport = page.viewportSize()!;
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  if (hasChat) {
    const instructions = await page.getByRole('region', { name: 'Instructions' }).boundingBox();
    const chatBox = await chat.boundingBox();
    expect(chatBox!.y).toBeGreaterThanOrEqual(instructions!.y + instructions!.height);
    await chat.scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('study-phone') });
  }
  await page.setViewportSize(viewport);

  // Nothing answered yet: Next says what is missing, next to each question.
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(question(page, 'How much does the ball cost?').getByRole('alert')).toHaveText(
    'Please choose an answer.',
  );
  await question(page, 'How much does the ball cost?').getByRole('radio', { name: '5 cents', exact: true }).check();
  await expect(question(page, 'How much does the ball cost?').getByRole('alert')).toHaveCount(0);
  await question(page, /If 5 machines take 5 minutes/)
    .getByRole('radio', { name: '5 minutes', exact: true })
    .check();
  const slider = page.getByRole('slider', { name: 'How confident are you in your answers?' });
  await expect(question(page, 'How confident are you in your answers?')).toContainText('Not answered yet');
  await expect(question(page, 'How confident are you in your answers?')).toContainText('Not at all');
  await expect(question(page, 'How confident are you in your answers?')).toContainText('Completely');
  await slider.fill('80');
  await expect(question(page, 'How confident are you in your answers?')).toContainText('Your answer: 80');
  await expect(page.getByText('Your answers are saved.')).toBeVisible();
  if (screenshots.task) {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: screenshotPath('study-task') });
  }

  // A reload resumes: same task, answers and chat rebuilt from the server.
  await page.reload();
  await expect(page.getByText('Task 1 of 2')).toBeVisible();
  await expect(
    question(page, 'How much does the ball cost?').getByRole('radio', { name: '5 cents', exact: true }),
  ).toBeChecked();
  await expect(question(page, 'How confident are you in your answers?')).toContainText('Your answer: 80');
  if (chatText) {
    await expect(chat.locator('li[data-role="assistant"]').filter({ hasText: `Echo: ${chatText}` })).toBeVisible();
    await expect(chat.locator('li[data-role="assistant"]').filter({ hasText: 'Stopped.' })).toContainText('t1 t2');
    await expect(chat.getByRole('img', { name: 'Attachment 1 you sent' })).toBeVisible();
    await expect(chat.getByTestId('turns-left')).toHaveText('6 of 10 messages left');
  } else {
    await expect(chat).toHaveCount(0);
  }
  await page.getByRole('button', { name: 'Next' }).click();

  // Task 2: the questionnaire (its questions in this participant's own order).
  await expect(page.getByText('Task 2 of 2')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'A few questions about you' })).toBeVisible();
  const attention = question(page, /reading carefully/);
  await attention.getByRole('radio', { name: 'Red' }).check();
  await question(page, 'How often do you use AI assistants?').getByRole('radio', { name: '4', exact: true }).check();
  await question(page, /Which of these kinds of puzzles/)
    .getByRole('checkbox', { name: 'Logic' })
    .check();
  const age = page.getByRole('spinbutton', { name: 'Your age in years' });
  await age.fill('12');
  await expect(question(page, 'Your age in years').getByRole('alert')).toHaveText(
    'Please enter a number from 18 to 120.',
  );
  await age.fill('34');
  await expect(question(page, 'Your age in years').getByRole('alert')).toHaveCount(0);

  // The attention check failed: the server refuses, the page says where.
  await page.getByRole('button', { name: 'Finish' }).click();
  await expect(attention.getByRole('alert')).toContainText('Please read the question again');
  await expect(page.getByText('Task 2 of 2')).toBeVisible();
  await attention.getByRole('radio', { name: 'Blue' }).check();
  await page.getByRole('button', { name: 'Finish' }).click();

  // The end: the completion code, then back to Prolific.
  await expect(page.getByTestId('completion-code')).toHaveText('PARLEYDEMO');
  await expect(page.getByRole('link', { name: 'Return to Prolific' })).toHaveAttribute('href', PROLIFIC_DONE);
  if (screenshots.consent) await page.screenshot({ path: screenshotPath('study-done') });
  // No redirect before the participant acts: the code can be copied, then the link goes back.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByRole('button', { name: 'Copy the code' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Copied.' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('PARLEYDEMO');
  expect(page.url()).not.toBe(PROLIFIC_DONE);
  await page.getByRole('link', { name: 'Return to Prolific' }).click();
  await page.waitForURL(PROLIFIC_DONE);
  expect(page.url()).toBe(PROLIFIC_DONE);
  return chatText;
}

test.describe
  .serial('a Prolific study', () => {
    const finished: Finished[] = [];

    test('participants of both conditions consent, do the tasks (with the assistant or without) and go back to Prolific', async ({
      browser,
    }) => {
      // Assignment is balanced: on a fresh database the second participant gets the other condition.
      let withChat = 0;
      let withoutChat = 0;
      for (let i = 0; i < 4 && (withChat === 0 || withoutChat === 0); i += 1) {
        // The second one takes part on a phone.
        const phone = i === 1;
        const context = await browser.newContext(
          phone ? { viewport: { width: 390, height: 844 }, hasTouch: true } : {},
        );
        const page = await context.newPage();
        const participantId = newParticipantId();
        const chatText = await takePart(page, participantId, { consent: i === 0, task: withChat === 0 });
        finished.push({ participantId, chatText });
        if (chatText) withChat += 1;
        else withoutChat += 1;
        await context.close();
      }
      expect(withChat).toBeGreaterThan(0);
      expect(withoutChat).toBeGreaterThan(0);
    });

    test('a participant continues only in the browser where they started; declining is recorded', async ({
      browser,
    }) => {
      const participantId = newParticipantId();
      const first = await browser.newContext();
      const page = await first.newPage();
      await page.goto(studyLink(participantId));
      await page.getByRole('button', { name: 'I agree' }).click();
      await expect(page.getByText('Task 1 of 2')).toBeVisible();

      // The same Prolific id in another browser sees nothing of it.
      const second = await browser.newContext();
      const other = await second.newPage();
      await other.goto(studyLink(participantId));
      await expect(
        other.getByRole('heading', { name: 'You already started this study in another browser' }),
      ).toBeVisible();
      await expect(other.getByRole('heading', { name: 'The bat and the ball' })).toHaveCount(0);
      await other.screenshot({ path: screenshotPath('study-elsewhere') });
      await second.close();

      // The first browser resumes.
      await page.reload();
      await expect(page.getByText('Task 1 of 2')).toBeVisible();
      await first.close();

      // Someone who does not agree is told what to do, and stays told after a reload.
      const third = await browser.newContext();
      const declining = await third.newPage();
      await declining.goto(studyLink(newParticipantId()));
      // An in-page dialog asks first: Escape keeps the study, the dialog's button declines.
      await declining.getByRole('button', { name: 'I do not agree' }).click();
      const ask = declining.getByRole('dialog', { name: 'Not take part?' });
      await expect(ask.getByRole('button', { name: 'Go back' })).toBeFocused();
      await declining.keyboard.press('Escape');
      await expect(ask).toHaveCount(0);
      await expect(declining.getByRole('button', { name: 'I agree' })).toBeVisible();
      await declining.getByRole('button', { name: 'I do not agree' }).click();
      await ask.getByRole('button', { name: 'I do not agree' }).click();
      await expect(declining.getByRole('heading', { name: 'You did not agree to take part' })).toBeVisible();
      await declining.reload();
      await expect(declining.getByRole('heading', { name: 'You did not agree to take part' })).toBeVisible();
      await third.close();
    });

    test('someone who finished is told so when opening the link again, and is never saved twice', async ({
      browser,
    }) => {
      expect(finished.length).toBeGreaterThan(0);
      const [first] = finished;
      // The same browser profile as before would resume; a new one asks the server.
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(studyLink(first!.participantId));
      await expect(page.getByRole('heading', { name: 'You have already taken part in this study' })).toBeVisible();
      await expect(page.getByRole('button', { name: 'I agree' })).toHaveCount(0);

      // Without an id in the link the study asks for it (the demo allows that), and checks it.
      await page.goto('/study/demo');
      const idField = page.getByLabel('Prolific ID');
      await idField.fill('abc');
      await page.getByRole('button', { name: 'Continue' }).click();
      await expect(page.getByRole('alert')).toContainText('A Prolific ID is 24 characters');
      await page.getByLabel('Prolific ID').fill('not an id');
      await page.getByRole('button', { name: 'Continue' }).click();
      await expect(page.getByRole('alert')).toContainText('no spaces');
      await idField.fill(first!.participantId);
      await page.getByRole('button', { name: 'Continue' }).click();
      await expect(page.getByRole('heading', { name: 'You have already taken part in this study' })).toBeVisible();
      expect(new URL(page.url()).searchParams.get('PROLIFIC_PID')).toBe(first!.participantId);

      // A study that does not exist.
      await page.goto('/study/no-such-study?PROLIFIC_PID=abcdefabcdefabcdefabcdef');
      await expect(page.getByRole('heading', { name: 'Study not found' })).toBeVisible();
      await context.close();
    });

    test('a researcher sees participants by condition and downloads the data as CSV and JSONL', async ({
      page,
      browser,
      request,
    }) => {
      expect(finished.length).toBeGreaterThan(0);

      // Someone without the role is told the page is not for them.
      const stranger = await apiRegister(request, `reader-${Date.now().toString(36)}`, 'reader-password');
      const strangerContext = await browser.newContext();
      const strangerPage = await strangerContext.newPage();
      await logIn(strangerPage, stranger);
      await expect(strangerPage.getByRole('link', { name: 'Research' })).toHaveCount(0);
      await strangerPage.goto('/research');
      await expect(strangerPage.getByRole('heading', { name: 'Researchers only' })).toBeVisible();
      // A plain sentence, not a shell command.
      await expect(strangerPage.getByText(/ask the person who runs this Parley/)).toBeVisible();
      await expect(strangerPage.locator('code')).toHaveCount(0);
      await strangerContext.close();

      await logIn(page, researcher);
      await page.getByRole('link', { name: 'Research' }).click();
      await expect(page).toHaveURL(/\/research$/);
      const study = page.getByRole('region', { name: /Reasoning with an AI assistant/ });
      for (const condition of ['with-ai', 'without-ai']) {
        const row = study.getByRole('row', { name: new RegExp(`^${condition}\\b`) });
        const cells = row.getByRole('cell');
        await expect(cells.nth(0)).toHaveText(/^[1-9]\d*$/); // started
        await expect(cells.nth(1)).toHaveText(/^[1-9]\d*$/); // completed
        await expect(cells.nth(5)).toHaveText(/\d+ (s|min)/); // median time
      }
      await page.screenshot({ path: screenshotPath('research') });

      const csvDownload = page.waitForEvent('download');
      await study.getByRole('button', { name: 'Download CSV' }).click();
      const csv = await csvDownload;
      expect(csv.suggestedFilename()).toBe('demo.csv');
      const csvText = await readFile((await csv.path())!, 'utf8');
      expect(csvText.split('\n')[0]).toContain('participant_id');
      for (const participant of finished) {
        expect(csvText).toContain(participant.participantId);
        if (participant.chatText) expect(csvText).toContain(participant.chatText);
      }
      expect(csvText).toContain('5 cents');

      const jsonlDownload = page.waitForEvent('download');
      await study.getByRole('button', { name: 'Download JSONL' }).click();
      const jsonl = await jsonlDownload;
      expect(jsonl.suggestedFilename()).toBe('demo.jsonl');
      const rows = (await readFile((await jsonl.path())!, 'utf8'))
        .split('\n')
        .filter((line) => line.trim())
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      for (const participant of finished) {
        const record = rows.find(
          (r) => r.record_type === 'participant' && r.participant_id === participant.participantId,
        );
        expect(record?.status).toBe('COMPLETED');
        expect(record?.answer_ball_price).toBe('5 cents');
        expect(record?.answer_attention).toBe('Blue');
        const turns = rows.filter((r) => r.record_type === 'turn' && r.participant_id === participant.participantId);
        if (participant.chatText) {
          expect(record?.condition).toBe('with-ai');
          expect(turns.some((t) => t.role === 'user' && t.text === participant.chatText)).toBe(true);
          expect(
            turns.some((t) => t.role === 'assistant' && String(t.text).startsWith(`Echo: ${participant.chatText}`)),
          ).toBe(true);
        } else {
          expect(record?.condition).toBe('without-ai');
          expect(turns).toHaveLength(0);
        }
      }
    });
  });

test('a participant is told plainly when an attention check ends the study, and when the time is up', async ({
  browser,
}) => {
  // e2e/studies/rules.yaml: six seconds from consent, no grace; a wrong answer to the check ends the study.
  const link = (pid: string) => `/study/e2e-rules?PROLIFIC_PID=${pid}`;
  const check = (page: Page) => question(page, /reading, please choose "Green"/);

  const first = await browser.newContext();
  const screened = await first.newPage();
  await screened.goto(link(newParticipantId()));
  await screened.getByRole('button', { name: 'I agree' }).click();
  await check(screened).getByRole('radio', { name: 'Red' }).check();
  await screened.getByRole('button', { name: 'Finish' }).click();
  await expect(screened.getByRole('heading', { name: 'This study has ended for you' })).toBeVisible();
  await expect(screened.getByText('E2ESCREEN')).toBeVisible();
  await screened.screenshot({ path: screenshotPath('study-screened-out') });
  await screened.reload();
  await expect(screened.getByRole('heading', { name: 'This study has ended for you' })).toBeVisible();
  await first.close();

  const second = await browser.newContext();
  const late = await second.newPage();
  await late.goto(link(newParticipantId()));
  await late.getByRole('button', { name: 'I agree' }).click();
  await expect(late.getByTestId('time-left')).toContainText('Time left');
  await expect(late.getByText('Time is up: please finish now.')).toBeVisible({ timeout: 20_000 });
  // The answer is refused by the server: the page says the time is over, also after a reload.
  await check(late).getByRole('radio', { name: 'Green' }).check();
  await expect(late.getByRole('heading', { name: 'The time for this study is over' })).toBeVisible();
  await late.reload();
  await expect(late.getByRole('heading', { name: 'The time for this study is over' })).toBeVisible();
  await second.close();
});
