import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { apiRegister, contact, conversation, logIn, screenshotPath } from './helpers';
import { answerFirstTask, answerSecondTask, fakeProlific, newParticipantId, studyLink } from './study-helpers';

/** No serious or critical axe-core violation (WCAG 2.1 AA rules, contrast included) on the page as it is now. */
async function expectAccessible(page: Page, name: string) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(bad, `${name}: ${bad.join('\n')}`).toEqual([]);
  // One top-level heading per page.
  await expect(page.locator('h1'), `${name}: one h1`).toHaveCount(1);
  await page.screenshot({ path: screenshotPath(`a11y-${name}`), fullPage: true });
}

test('the login, chat and conversation pages have no serious accessibility problem', async ({ page, request }) => {
  await page.goto('/');
  await expect(page.getByLabel('Username')).toBeFocused();
  await expectAccessible(page, 'login');

  const stamp = Date.now().toString(36);
  const me = await apiRegister(request, `a11y_${stamp}`, 'a11y-password');
  await logIn(page, me);
  await expectAccessible(page, 'chat');

  await contact(page, 'ChatGPT').click();
  await expect(conversation(page, 'ChatGPT').getByLabel('Message to ChatGPT')).toBeFocused();
  await expectAccessible(page, 'conversation');
});

test('the study consent, task and done pages have no serious accessibility problem', async ({ page }) => {
  await fakeProlific(page);
  await page.goto(studyLink(newParticipantId()));
  await expect(page.getByRole('button', { name: 'I agree' })).toBeVisible();
  await expectAccessible(page, 'study-consent');

  await page.getByRole('button', { name: 'I agree' }).click();
  await expect(page.getByText('Task 1 of 2')).toBeVisible();
  await expectAccessible(page, 'study-task');
  await answerFirstTask(page);
  await answerSecondTask(page);

  await expect(page.getByTestId('completion-code')).toHaveText('PARLEYDEMO');
  await expectAccessible(page, 'study-done');
});
