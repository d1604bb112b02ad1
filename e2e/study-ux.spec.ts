import { expect, test } from '@playwright/test';
import { newParticipantId, question } from './study-helpers';

const link = (pid: string) => `/study/e2e-plain?PROLIFIC_PID=${pid}&STUDY_ID=s1&SESSION_ID=x1`;

test('a chat task without images offers no attachments; an untouched slider is unanswered; "None" stands alone', async ({
  page,
}) => {
  await page.goto(link(newParticipantId()));
  await page.getByRole('button', { name: 'I agree' }).click();
  await expect(page.getByRole('heading', { name: 'Talk and answer' })).toBeVisible();
  const chat = page.getByRole('region', { name: 'Chat with the AI assistant' });
  await expect(chat.getByLabel('Message to the assistant')).toBeEnabled();
  await expect(chat.getByRole('button', { name: 'Attach image' })).toHaveCount(0);
  await expect(chat.locator('input[type=file]')).toHaveCount(0);

  // The reply streams in view: on a phone the page scrolls as one and the newest message stays on screen.
  await chat.getByLabel('Message to the assistant').fill('Count for me [tokens:40] [delay:40]');
  await chat.getByLabel('Message to the assistant').press('Enter');
  const reply = chat.locator('li[data-role="assistant"]').last();
  await expect(reply).toContainText('t20');
  await expect(reply).toBeInViewport();
  await expect(reply).toHaveAttribute('data-state', 'COMPLETED');
  await expect(reply).toBeInViewport();

  // The slider starts unanswered, and Next says so.
  const slider = question(page, 'How sure are you?');
  await expect(slider).toContainText('Not answered yet');
  await expect(slider.getByRole('slider')).toHaveAttribute('aria-valuetext', 'not answered yet');
  await page.getByRole('button', { name: 'Finish' }).click();
  await expect(slider.getByRole('alert')).toHaveText('Please answer this question.');
  await slider.getByRole('slider').fill('7');
  await expect(slider).toContainText('Your answer: 7');

  // "None" clears the other options, and another option clears "None".
  const pets = question(page, 'Which pets do you have?');
  await pets.getByRole('checkbox', { name: 'Cat' }).check();
  await pets.getByRole('checkbox', { name: 'Dog' }).check();
  await pets.getByRole('checkbox', { name: 'None' }).check();
  await expect(pets.getByRole('checkbox', { name: 'Cat' })).not.toBeChecked();
  await expect(pets.getByRole('checkbox', { name: 'Dog' })).not.toBeChecked();
  await pets.getByRole('checkbox', { name: 'Dog' }).check();
  await expect(pets.getByRole('checkbox', { name: 'None' })).not.toBeChecked();
  await page.getByRole('button', { name: 'Finish' }).click();
  await expect(page.getByTestId('completion-code')).toHaveText('E2EPLAIN');
});

test('the server refuses "None" together with another option, whatever the browser sends', async ({ request }) => {
  const post = (query: string, variables: Record<string, unknown>, token?: string) =>
    request
      .post('/graphql', {
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        data: { query, variables },
      })
      .then((r) => r.json());
  const started = await post('mutation ($i: StartParticipationInput!) { startParticipation(input: $i) { token } }', {
    i: { studySlug: 'e2e-plain', participantId: newParticipantId(), resumeSecret: 'a'.repeat(32) },
  });
  const token = started.data.startParticipation.token;
  const consent = await post('mutation { giveConsent { token } }', {}, token);
  const participant = consent.data.giveConsent.token;
  const saved = await post(
    'mutation ($a: JSON!) { saveTaskAnswers(taskId: "talk", answers: $a, complete: false) { id } }',
    { a: { pets: ['Cat', 'None'] } },
    participant,
  );
  expect(saved.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  expect(saved.errors?.[0]?.message).toMatch(/None/);
});
