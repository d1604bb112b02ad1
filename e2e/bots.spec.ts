import { expect, type Locator, type Page, test } from '@playwright/test';
import {
  apiRegister,
  contact,
  conversation,
  logIn,
  message,
  openConversation,
  say,
  screenshotPath,
  users,
} from './helpers';

// "ChatGPT" is backed by the loopback model server of the e2e run: the text of a message steers it
// ([delay:60] between words, [tokens:200] words t1..t200, [fail:1:400] fails once).

/** The bot's reply while it is being written (or when it failed): not a stored message yet. */
function pendingReply(pane: Locator): Locator {
  return pane.locator('li.job');
}

/** Stored messages only (the pending reply is a list item too). */
function stored(pane: Locator, text: string | RegExp): Locator {
  return pane.locator('li.message:not(.job)').filter({ hasText: text });
}

async function openBot(page: Page): Promise<Locator> {
  return openConversation(page, 'ChatGPT');
}

/** Records every text the pending reply shows, from now on, in window.__replyTexts. */
async function recordPendingTexts(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { __replyTexts: string[] }).__replyTexts = seen;
    new MutationObserver(() => {
      const text = document.querySelector('[data-peer="ChatGPT"] li.job .bubble')?.textContent ?? '';
      if (text && seen.at(-1) !== text) seen.push(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}

test('alice talks with ChatGPT: replies stream in, can be stopped, and a failed one can be retried', async ({
  page,
}) => {
  await logIn(page, users.alice);

  // ChatGPT is a contact like any other, marked as a bot, online while its model answers.
  const bot = contact(page, 'ChatGPT');
  await expect(bot).toHaveAccessibleName('ChatGPT, bot, online');
  await expect(bot).toHaveAttribute('data-online', 'true');
  await expect(bot.locator('.tag', { hasText: 'bot' })).toBeVisible();
  const pane = await openBot(page);

  // A question: the reply streams in word by word, then becomes a stored message.
  await recordPendingTexts(page);
  // Unique per run, so that the spec also passes against a database it has used before.
  const run = Date.now().toString(36);
  const question = `Tell me about robot ${run} who learned to paint the sea at night [delay:60]`;
  await say(page, 'ChatGPT', question);
  await expect(message(pane, question)).toContainText('Sent');
  const pending = pendingReply(pane);
  await expect(pending).toBeVisible();
  await expect(pending.getByRole('button', { name: 'Stop' })).toBeVisible();
  const answer = stored(pane, `Echo: Tell me about robot ${run} `);
  await expect(answer).toContainText(/paint the sea at night \[turns: \d+\]/);
  await expect(pending).toHaveCount(0);
  const finalText = (await answer.locator('.bubble').textContent()) ?? '';
  expect(finalText).toMatch(/^Echo: Tell me about .* \[turns: \d+\]$/);
  const seen = await page.evaluate(() => (window as unknown as { __replyTexts: string[] }).__replyTexts);
  // The pending bubble grew several times, each time a longer beginning of the final reply.
  expect(seen.length, JSON.stringify(seen)).toBeGreaterThanOrEqual(3);
  for (let i = 0; i < seen.length; i++) {
    const text = seen[i] ?? '';
    expect(finalText.startsWith(text.trim()), `${text} begins ${finalText}`).toBe(true);
    if (i > 0) expect(text.length).toBeGreaterThan((seen[i - 1] ?? '').length);
  }
  expect((seen[0] ?? '').length).toBeLessThan(finalText.length);

  // The stored reply is there after a reload.
  await page.reload();
  await expect(page.getByRole('status').filter({ hasText: 'Connected' })).toBeVisible();
  const again = await openBot(page);
  await expect(stored(again, finalText)).toBeVisible();
  await expect(pendingReply(again)).toHaveCount(0);

  // A long answer, stopped half-way: what was said so far is kept, and the pane carries on.
  await say(page, 'ChatGPT', 'Count for me [tokens:200] [delay:50]');
  const long = pendingReply(again);
  await expect(long).toContainText('t10 t11');
  await page.screenshot({ path: screenshotPath('bot-streaming') });
  await long.getByRole('button', { name: 'Stop' }).click();
  // The pending reply gives way to the stored one only once that is in the list.
  await expect(pendingReply(again)).toHaveCount(0);
  const partial = stored(again, /^t1 t2 t3 /).last();
  await expect(partial).toBeVisible();
  const words = ((await partial.locator('.bubble').textContent()) ?? '').trim().split(/\s+/);
  expect(words.length).toBeGreaterThanOrEqual(11);
  expect(words.length).toBeLessThan(200);
  expect(words).toEqual(Array.from({ length: words.length }, (_, i) => `t${i + 1}`));
  await expect(again.getByRole('button', { name: 'Stop' })).toHaveCount(0);
  await expect(again.locator('.typing')).toHaveCount(0);
  // It is marked as stopped, also after a reload, and any bot reply can be regenerated.
  await expect(partial).toContainText('Stopped');
  await expect(partial).toHaveAttribute('data-stopped', 'true');
  await page.reload();
  await expect(page.getByRole('status').filter({ hasText: 'Connected' })).toBeVisible();
  const reloaded = await openBot(page);
  const stoppedAgain = stored(reloaded, /^t1 t2 t3 /).last();
  await expect(stoppedAgain).toHaveAttribute('data-stopped', 'true');
  await expect(stoppedAgain).toContainText('Stopped');
  const stoppedReplies = reloaded.locator('li.message[data-stopped="true"]');
  const stoppedBefore = await stoppedReplies.count();
  await stoppedAgain.getByRole('button', { name: 'Regenerate' }).click();
  const regenerated = pendingReply(reloaded);
  await expect(regenerated).toContainText('t3 t4');
  await regenerated.getByRole('button', { name: 'Stop' }).click();
  await expect(pendingReply(reloaded)).toHaveCount(0);
  // The new reply is a message of its own, stopped too.
  await expect(stoppedReplies).toHaveCount(stoppedBefore + 1);

  // The model refuses once: the error shows with Retry, also after a reload; Retry gets the answer.
  const refused = `Will you answer question ${run}? [fail:1:400]`;
  await say(page, 'ChatGPT', refused);
  const failed = pendingReply(again);
  await expect(failed).toHaveAttribute('data-job-state', 'FAILED');
  // In plain words, with the model's own message behind "Details".
  await expect(failed.getByRole('alert')).toContainText('ChatGPT could not answer.');
  await failed.getByText('Details').click();
  await expect(failed.getByRole('alert')).toContainText('The model refused the request (400)');
  await expect(failed.getByRole('button', { name: 'Retry' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('status').filter({ hasText: 'Connected' })).toBeVisible();
  const third = await openBot(page);
  const failedAgain = pendingReply(third);
  await expect(failedAgain.getByRole('alert')).toContainText('ChatGPT could not answer.');
  await failedAgain.getByRole('button', { name: 'Retry' }).click();
  await expect(stored(third, `Echo: Will you answer question ${run}?`)).toBeVisible();
  await expect(pendingReply(third)).toHaveCount(0);
  await expect(third.getByRole('button', { name: 'Retry' })).toHaveCount(0);

  // Markdown, safely: HTML a person types is shown as text and never runs, in their message and in the echo.
  const tricky = `**bold** ${run} <img src=x onerror="window.__xss=1"> <script>window.__xss=2</script>`;
  await say(page, 'ChatGPT', tricky);
  const mine = third.locator('li.message.mine').filter({ hasText: `bold ${run} <img` });
  await expect(mine.locator('strong')).toHaveText('bold');
  await expect(mine.locator('.bubble')).toContainText('<img src=x onerror="window.__xss=1">');
  await expect(mine.locator('.bubble')).toContainText('<script>window.__xss=2</script>');
  const echo = stored(third, `Echo: bold ${run} <img`);
  await expect(echo.locator('strong')).toHaveText('bold');
  await expect(echo.locator('.bubble')).toContainText('<img src=x');
  await expect(third.locator('img')).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();

  await page.screenshot({ path: screenshotPath('bot-chat') });
});

test('a reply being written when the page reloads is followed again to its end; passing failures are retried', async ({
  page,
  request,
}) => {
  const run = Date.now().toString(36);
  const frank = await apiRegister(request, `frank-${run}`, 'frank-password');
  await logIn(page, frank);
  let pane = await openBot(page);
  await say(page, 'ChatGPT', 'Slowly please [tokens:60] [delay:60]');
  await expect(pendingReply(pane)).toContainText('t3 t4');

  await page.reload();
  await expect(page.getByRole('status').filter({ hasText: 'Connected' })).toBeVisible();
  pane = await openBot(page);
  const pending = pendingReply(pane);
  await expect(pending).toBeVisible();
  await expect(pending.getByRole('button', { name: 'Stop' })).toBeVisible();
  await expect(pending).toContainText('t40');
  const reply = stored(pane, /^t1 t2 t3 /);
  await expect(reply).toContainText('t59 t60');
  await expect(pendingReply(pane)).toHaveCount(0);

  // A passing failure (the model answers 500 once): the server tries again, and the pane says so.
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { __jobTexts: string[] }).__jobTexts = seen;
    new MutationObserver(() => {
      const text = document.querySelector('[data-peer="ChatGPT"] li.job')?.textContent ?? '';
      if (text && seen.at(-1) !== text) seen.push(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  // (The model server counts failures per text: unique per run.)
  await say(page, 'ChatGPT', `Try again if you must, ${run} [fail:1:500]`);
  await expect(stored(pane, `Echo: Try again if you must, ${run}`)).toBeVisible();
  await expect(pendingReply(pane)).toHaveCount(0);
  const shown = await page.evaluate(() => (window as unknown as { __jobTexts: string[] }).__jobTexts);
  expect(shown.join('\n')).toMatch(/ChatGPT did not answer; trying again \(attempt 2\)…/);
});

test('Markdown between people: links open safely, code is monospace, for the sender and the reader', async ({
  browser,
  request,
}) => {
  // Two new people, so that no other spec's unread counts change.
  const suffix = Date.now().toString(36);
  const dora = await apiRegister(request, `dora-${suffix}`, 'dora-password');
  const eve = await apiRegister(request, `eve-${suffix}`, 'eve-password');
  const doraContext = await browser.newContext();
  const page = await doraContext.newPage();
  await logIn(page, dora);
  await contact(page, eve.username).click();
  const pane = conversation(page, eve.username);
  await pane
    .getByLabel(`Message to ${eve.username}`)
    .fill('See [the docs](https://example.com/docs) and `npm test`:\n\n```\nconst x = 1;\n```');
  await pane.getByRole('button', { name: 'Send' }).click();
  // A javascript: link is not a link at all.
  await say(page, eve.username, '[click me](javascript:window.__xss=3)');

  const eveContext = await browser.newContext();
  const evePage = await eveContext.newPage();
  await logIn(evePage, eve);
  await contact(evePage, dora.username).click();

  // Eve has the conversation open: Dora sees her message read, live.
  for (const [view, status] of [
    [pane, 'Read'],
    [conversation(evePage, dora.username), ''],
  ] as const) {
    const sent = message(view, 'See the docs');
    await expect(sent).toContainText(status);
    const link = sent.getByRole('link', { name: 'the docs' });
    await expect(link).toHaveAttribute('href', 'https://example.com/docs');
    await expect(link).toHaveAttribute('rel', 'noopener noreferrer');
    await expect(link).toHaveAttribute('target', '_blank');
    await expect(sent.locator('pre code')).toHaveText('const x = 1;');
    expect(await sent.locator('pre code').evaluate((el) => getComputedStyle(el).fontFamily)).toMatch(/monospace/);
    expect(await sent.locator('p code').evaluate((el) => getComputedStyle(el).fontFamily)).toMatch(/monospace/);
    const bad = message(view, 'click me');
    await expect(bad).toBeVisible();
    await expect(bad.locator('a')).toHaveCount(0);
  }
  await doraContext.close();
  await eveContext.close();
});
