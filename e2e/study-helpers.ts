import { expect, type Locator, type Page } from '@playwright/test';

/** A Prolific id: 24 hexadecimal digits, new on every call. */
export function newParticipantId(): string {
  return Array.from({ length: 24 }, () => Math.floor(Math.random() * 16).toString(16)).join('');
}

export const studyLink = (pid: string) => `/study/demo?PROLIFIC_PID=${pid}&STUDY_ID=s1&SESSION_ID=x1`;

export const PROLIFIC_DONE = 'https://app.prolific.com/submissions/complete?cc=PARLEYDEMO';

/** A question, found by its text (a fieldset named by its legend or label). */
export const question = (page: Page, text: string | RegExp): Locator => page.getByRole('group', { name: text });

/** Prolific is not on the network here: answer its completion page locally. */
export async function fakeProlific(page: Page) {
  await page.route('https://app.prolific.com/**', (route) =>
    route.fulfill({
      status: 200,
      contentType: 'text/html',
      body: '<!doctype html><title>Prolific</title><h1>Submission received</h1>',
    }),
  );
}

/** Answers the demo study's first task correctly and goes on. */
export async function answerFirstTask(page: Page) {
  await expect(page.getByText('Task 1 of 2')).toBeVisible();
  await question(page, 'How much does the ball cost?').getByRole('radio', { name: '5 cents', exact: true }).check();
  await question(page, /If 5 machines take 5 minutes/)
    .getByRole('radio', { name: '5 minutes', exact: true })
    .check();
  await page.getByRole('slider', { name: 'How confident are you in your answers?' }).fill('70');
  await page.getByRole('button', { name: 'Next' }).click();
}

/** Answers the demo study's questionnaire (attention check passed) and finishes. */
export async function answerSecondTask(page: Page) {
  await expect(page.getByText('Task 2 of 2')).toBeVisible();
  await question(page, /reading carefully/)
    .getByRole('radio', { name: 'Blue' })
    .check();
  await question(page, 'How often do you use AI assistants?').getByRole('radio', { name: '3', exact: true }).check();
  await page.getByRole('spinbutton', { name: 'Your age in years' }).fill('40');
  await page.getByRole('button', { name: 'Finish' }).click();
}
