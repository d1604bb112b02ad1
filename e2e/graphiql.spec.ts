import { expect, type Locator, type Page, test } from '@playwright/test';
import { apiCall, apiLogin, screenshotPath, users } from './helpers';

/** Replace the whole content of a Monaco editor, as if pasted. */
async function paste(page: Page, editor: Locator, text: string): Promise<void> {
  await editor.locator('.monaco-editor').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

/** Write an operation and run it, once GraphiQL has taken it in (its name shows on the tab). */
async function runOperation(page: Page, name: string, text: string): Promise<void> {
  await paste(page, page.locator('.graphiql-query-editor'), text);
  await expect(page.getByRole('tab', { selected: true })).toHaveText(name);
  await page.getByRole('button', { name: /Execute query/ }).click();
}

async function responseText(page: Page): Promise<string> {
  const text = (await page.locator('.graphiql-response').textContent()) ?? '';
  return text.replace(/\u00a0/g, ' ');
}

test('the GraphiQL IDE at /graphql logs in (@desktop: an IDE has no phone layout), runs a query with the token and receives a subscription', async ({
  page,
  request,
}) => {
  // Every CSP violation (a blocked worker, style or script) is recorded, to fail the test at the end.
  await page.addInitScript(() => {
    const seen: string[] = [];
    Object.assign(window, { cspViolations: seen });
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const response = await page.goto('/graphql');
  const csp = (await response?.allHeaders())?.['content-security-policy'] ?? '';
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("script-src 'self'");
  await expect(page).toHaveTitle(/GraphiQL/);
  const run = page.getByRole('button', { name: /Execute query/ });
  await expect(run).toBeVisible();
  const queryEditor = page.locator('.graphiql-query-editor');
  await expect(queryEditor).toContainText('mutation Login');

  // Log in from the IDE.
  await runOperation(
    page,
    'LogIn',
    'mutation LogIn { login(username: "alice", password: "wonderland") { token user { username } } }',
  );
  await expect(page.locator('.graphiql-response')).toContainText('"token"');
  // The response editor wraps long lines; a JWT has no whitespace of its own.
  const token = /"token":\s*"([^"]+)"/.exec(await responseText(page))?.[1]?.replace(/\s+/g, '');
  expect(token).toBeTruthy();

  // Paste the token into the headers editor and ask who we are.
  await page.getByRole('button', { name: 'Headers' }).click();
  const headersEditor = page.locator('.graphiql-editor-tool .graphiql-editor:not(.hidden)');
  await paste(page, headersEditor, `{"Authorization": "Bearer ${token}"}`);
  await runOperation(page, 'WhoAmI', 'query WhoAmI { me { username role } contacts { username online } }');
  await expect(page.locator('.graphiql-response')).toContainText('"username": "alice"');
  await expect(page.locator('.graphiql-response')).toContainText('"bob"');

  // Subscriptions go over the WebSocket with the same token.
  await runOperation(page, 'Inbox', 'subscription Inbox { messageReceived { body from { username } } }');
  const bob = await apiLogin(request, users.bob);
  const alice = await apiLogin(request, users.alice);
  // Keep sending until the subscription is surely set up (the socket connects lazily).
  await expect(async () => {
    await apiCall(
      request,
      bob.token,
      'mutation ($to: ID!) { sendMessage(toUserId: $to, body: "Hello from the API") { id } }',
      {
        to: alice.id,
      },
    );
    await expect(page.locator('.graphiql-response')).toContainText('Hello from the API', { timeout: 2_000 });
  }).toPass({ timeout: 20_000 });
  await expect(page.locator('.graphiql-response')).toContainText('"username": "bob"');
  await page.locator('.graphiql-query-editor .monaco-editor').click();
  await page.keyboard.press('Home');
  await page.screenshot({ path: screenshotPath('graphiql') });
  // Monaco's workers, fonts and styles all ran under the CSP.
  expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
});

test('the web app and the IDE may not be framed, and the build carries no source maps', async ({ request }) => {
  for (const path of ['/', '/graphql', '/study/demo']) {
    const res = await request.get(path, { headers: { accept: 'text/html' } });
    expect(res.status()).toBe(200);
    expect(res.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers()['x-frame-options']).toBe('DENY');
    expect(res.headers()['x-content-type-options']).toBe('nosniff');
    const scripts = [...(await res.text()).matchAll(/src="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1] ?? '');
    for (const script of scripts) {
      const js = await request.get(script);
      expect(await js.text()).not.toContain('sourceMappingURL=');
    }
  }
});
