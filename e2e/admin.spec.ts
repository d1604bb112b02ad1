import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { apiCall, apiLogin, apiRegister, contact, logIn, screenshotPath, users } from './helpers';
import { PRICE, viewports } from './research-helpers';

test('an admin sees who is online and ends a user’s sessions, which sends that user back to the login screen', async ({
  browser,
}) => {
  const bobContext = await browser.newContext();
  const bob = await bobContext.newPage();
  await logIn(bob, users.bob);

  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await logIn(admin, users.admin);
  await expect(contact(admin, 'bob')).toHaveAttribute('data-online', 'true');

  // Regular users have no admin panel.
  await expect(bob.getByRole('button', { name: 'Admin panel' })).toHaveCount(0);

  await admin.getByRole('button', { name: 'Admin panel' }).click();
  const panel = admin.getByRole('region', { name: /who is online/ });
  const bobRow = panel.getByRole('row', { name: /bob/ });
  await expect(bobRow).toBeVisible();
  await expect(bobRow.getByRole('cell').first()).toHaveText('1');
  await admin.screenshot({ path: screenshotPath('admin') });

  await bobRow.getByRole('button', { name: 'End sessions of bob' }).click();
  await expect(panel.getByRole('status')).toContainText('of bob');

  // Bob is logged out everywhere and told why; admin sees him leave.
  await expect(bob.getByRole('button', { name: 'Log in' })).toBeVisible({ timeout: 15_000 });
  await expect(bob.getByText('Your session has ended')).toBeVisible();
  await expect(contact(admin, 'bob')).toHaveAttribute('data-online', 'false', { timeout: 15_000 });
  await expect(panel.getByRole('row', { name: /bob/ })).toHaveCount(0);

  // He can log in again.
  await logIn(bob, users.bob);

  await bobContext.close();
  await adminContext.close();
});

test('logging out ends the session and shows the login screen', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await logIn(page, users.carol);
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible();
  await context.close();
});

test('a new user signs up and lands in the chat', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const username = `dana_${Date.now().toString(36)}`;
  await page.goto('/');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.getByRole('alert')).toContainText('8 to 128 characters');
  await page.getByLabel('Password').fill('a-long-enough-password');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.getByText(`Signed in as ${username}`)).toBeVisible();
  await expect(contact(page, 'alice')).toBeVisible();

  // Wrong password: a clear message, still on the login screen.
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.getByLabel('Username').fill('alice');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible();
  await context.close();
});

test('the admin panel shows model usage and cost per day, user and model, with a chart', async ({
  browser,
  request,
}) => {
  const spender = await apiRegister(request, `spender_${Date.now().toString(36)}`, 'spender-password');
  const { token } = await apiLogin(request, spender);
  const submitted = await apiCall<{ submitChat: { id: string } }>(
    request,
    token,
    'mutation($i: SubmitChatInput!) { submitChat(input: $i) { id } }',
    { i: { messages: [{ role: 'user', content: 'How much is this?' }] } },
  );
  const status = () =>
    apiCall<{ jobStatus: { state: string; usage: { prompt_tokens: number; completion_tokens: number } } }>(
      request,
      token,
      'query($id: ID!) { jobStatus(id: $id) { state usage } }',
      { id: submitted.submitChat.id },
    );
  await expect.poll(async () => (await status()).jobStatus.state).toBe('COMPLETED');
  const { usage } = (await status()).jobStatus;
  const cost = (usage.prompt_tokens * PRICE.input + usage.completion_tokens * PRICE.output) / 1e6;

  for (const viewport of [viewports.desktop, viewports.phone]) {
    const context = await browser.newContext({ viewport });
    const admin = await context.newPage();
    await logIn(admin, users.admin);
    await admin.getByRole('button', { name: 'Admin panel' }).click();
    const panel = admin.getByRole('region', { name: 'Admin: model usage and cost' });
    const row = panel.getByRole('row', { name: new RegExp(spender.username) });
    await expect(row).toContainText('test-model');
    await expect(row).toContainText(`${usage.prompt_tokens} + ${usage.completion_tokens}`);
    await expect(row).toContainText(`$${cost.toFixed(6)}`);
    await expect(panel.getByTestId('usage-chart').locator('svg').first()).toBeVisible();
    await panel.screenshot({ path: screenshotPath(`admin-usage-${viewport.width}`) });
    const { violations } = await new AxeBuilder({ page: admin }).include('[aria-labelledby="usage-title"]').analyze();
    expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
    await context.close();
  }
});

test('an admin overrides a user’s daily quota and the user’s next model call is refused', async ({
  browser,
  request,
}) => {
  const user = await apiRegister(request, `quota_${Date.now().toString(36)}`, 'quota-password');
  const { token } = await apiLogin(request, user);
  const context = await browser.newContext();
  const admin = await context.newPage();
  await logIn(admin, users.admin);
  await admin.getByRole('button', { name: 'Admin panel' }).click();
  const panel = admin.getByRole('region', { name: 'Admin: daily chat quotas' });
  // The directory is paged: the admin finds the user by name.
  await panel.getByLabel('Find a user').fill(user.username);
  await panel.getByRole('combobox').selectOption({ label: user.username });
  await expect(panel.getByTestId('quota-today')).toContainText('Today: 0 calls of no limit');
  await panel.getByLabel('Calls per day').fill('0');
  await panel.getByRole('button', { name: 'Save' }).click();
  await expect(panel.getByRole('status')).toHaveText('Override saved.');
  await expect(panel.getByTestId('quota-today')).toContainText('0 calls of 0');

  const response = await request.post('/graphql', {
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    data: { query: 'mutation { submitChat(input: { messages: [{ role: "user", content: "hi" }] }) { id } }' },
  });
  const body = await response.json();
  expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', reason: 'DAILY_QUOTA' });
  await context.close();
});
