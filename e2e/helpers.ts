import { type APIRequestContext, expect, type Locator, type Page, test } from '@playwright/test';

export const users = {
  alice: { username: 'alice', password: 'wonderland' },
  bob: { username: 'bob', password: 'bob-the-builder' },
  carol: { username: 'carol', password: 'christmas-carol' },
  admin: { username: 'admin', password: 'admin-password' },
} as const;

/** A demo user, or one a test signed up. */
export type DemoUser = { readonly username: string; readonly password: string };

/** Signs a new user up through the API: for tests that need people nobody else talks to. */
export async function apiRegister(request: APIRequestContext, username: string, password: string): Promise<DemoUser> {
  const response = await request.post('/graphql', {
    headers: { 'content-type': 'application/json' },
    data: {
      query: 'mutation ($u: String!, $p: String!) { register(username: $u, password: $p) { token } }',
      variables: { u: username, p: password },
    },
  });
  const body = await response.json();
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return { username, password };
}

/** Screenshots of the main screens, refreshed on every run: `name.png` at desktop size, `name-phone.png` on a phone. */
export function screenshotPath(name: string): string {
  const project = test.info().project.name;
  return `e2e/screenshots/${name}${project === 'desktop' ? '' : `-${project}`}.png`;
}

/** True in the 390 × 844 phone project. */
export const onPhone = (page: Page) => (page.viewportSize()?.width ?? 1280) < 600;

/** Open the app and log in through the form, the way a person would. */
export async function logIn(page: Page, user: DemoUser): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByText(`Signed in as ${user.username}`)).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Connected' })).toBeVisible();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A person in the contact list (its accessible name is "bob, online" / "bob, offline, 2 unread"). */
export function contact(page: Page, username: string): Locator {
  return page
    .getByRole('navigation', { name: /Contacts/ })
    .getByRole('button', { name: new RegExp(`^${escapeRegExp(username)}, `) });
}

/** The open conversation with someone. */
export function conversation(page: Page, username: string): Locator {
  return page.getByRole('region', { name: username, exact: true });
}

export async function say(page: Page, to: string, text: string): Promise<void> {
  const pane = conversation(page, to);
  await pane.getByLabel(`Message to ${to}`).fill(text);
  await pane.getByRole('button', { name: 'Send' }).click();
}

/** One message bubble (with its status line) in a conversation. */
export function message(pane: Locator, text: string): Locator {
  return pane.getByRole('listitem').filter({ hasText: text });
}

/** A token straight from the API, for tests that play a second client without a browser. */
export async function apiLogin(request: APIRequestContext, user: DemoUser): Promise<{ token: string; id: string }> {
  const response = await request.post('/graphql', {
    headers: { 'content-type': 'application/json' },
    data: {
      query: 'mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { token user { id } } }',
      variables: { u: user.username, p: user.password },
    },
  });
  expect(response.ok()).toBeTruthy();
  const body = await response.json();
  return { token: body.data.login.token, id: body.data.login.user.id };
}

export async function apiCall<T = unknown>(
  request: APIRequestContext,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const response = await request.post('/graphql', {
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    data: { query, variables },
  });
  const body = await response.json();
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data as T;
}

/** New users for one test (in one project): nobody else's messages, unread counts or open conversations. */
export async function freshUsers<N extends string>(
  request: APIRequestContext,
  ...names: N[]
): Promise<Record<N, DemoUser>> {
  const stamp = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
  const entries = await Promise.all(
    names.map(async (name) => [name, await apiRegister(request, `${name}_${stamp}`, `${name}-password`)] as const),
  );
  return Object.fromEntries(entries) as Record<N, DemoUser>;
}

/** Opens the conversation with someone from the contact list (on a phone, the list comes back first). */
export async function openConversation(page: Page, username: string): Promise<Locator> {
  if (onPhone(page) && !(await contact(page, username).isVisible())) await backToContacts(page);
  await contact(page, username).click();
  const pane = conversation(page, username);
  await expect(pane).toBeVisible();
  return pane;
}

/** On a phone: from the conversation back to the contact list. On a wide screen both are always shown. */
export async function backToContacts(page: Page): Promise<void> {
  if (!onPhone(page)) return;
  await page.getByRole('button', { name: 'Back to contacts' }).filter({ visible: true }).click();
  await expect(page.getByRole('navigation', { name: /Contacts/ })).toBeVisible();
}
