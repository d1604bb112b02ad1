import { expect, test } from '@playwright/test';
import {
  apiCall,
  apiLogin,
  apiRegister,
  backToContacts,
  contact,
  conversation,
  freshUsers,
  logIn,
  message,
  onPhone,
  openConversation,
  say,
  screenshotPath,
} from './helpers';

const SEND = 'mutation ($to: ID!, $body: String!) { sendMessage(toUserId: $to, body: $body) { id } }';

test('two people see each other come and go, chat live with typing and read marks, and a message sent while one is away waits', async ({
  browser,
  request,
}) => {
  const { alice: aliceUser, bob: bobUser, carol: carolUser } = await freshUsers(request, 'alice', 'bob', 'carol');
  const bobName = bobUser.username;
  const aliceName = aliceUser.username;
  const aliceContext = await browser.newContext();
  const alice = await aliceContext.newPage();

  await alice.goto('/');
  await expect(alice.getByRole('button', { name: 'Log in' })).toBeVisible();
  await alice.screenshot({ path: screenshotPath('login') });
  await logIn(alice, aliceUser);
  await expect(contact(alice, bobName)).toHaveAttribute('data-online', 'false');

  // Bob logs in elsewhere; each sees the other online.
  const bobContext = await browser.newContext();
  const bob = await bobContext.newPage();
  await logIn(bob, bobUser);
  await expect(contact(alice, bobName)).toHaveAttribute('data-online', 'true');
  await expect(contact(alice, bobName)).toHaveAccessibleName(`${bobName}, online`);

  // Alice writes to Bob: the composer has the focus as soon as the conversation opens.
  const aliceWithBob = await openConversation(alice, bobName);
  await expect(aliceWithBob.getByLabel(`Message to ${bobName}`)).toBeFocused();
  await say(alice, bobName, 'Hi Bob! Can we fix it?');
  await expect(message(aliceWithBob, 'Hi Bob! Can we fix it?')).toContainText('Sent');

  // Bob gets it live: an unread badge first; opening the conversation marks it read, and Alice sees "Read" live.
  await expect(contact(bob, aliceName)).toHaveAccessibleName(`${aliceName}, online, 1 unread`);
  const bobWithAlice = await openConversation(bob, aliceName);
  await expect(message(bobWithAlice, 'Hi Bob! Can we fix it?')).toBeVisible();
  await expect(message(aliceWithBob, 'Hi Bob! Can we fix it?')).toContainText('Read');

  // Bob types: Alice sees it live; he sends with Enter and Alice has it without reloading.
  await bobWithAlice.getByLabel(`Message to ${aliceName}`).pressSequentially('Yes we');
  await expect(aliceWithBob.getByText(`${bobName} is typing…`)).toBeVisible();
  await bobWithAlice.getByLabel(`Message to ${aliceName}`).pressSequentially(' can!');
  await bobWithAlice.getByLabel(`Message to ${aliceName}`).press('Enter');
  await expect(message(aliceWithBob, 'Yes we can!')).toBeVisible();
  await expect(aliceWithBob.getByText(`${bobName} is typing…`)).toHaveCount(0);
  // Alice has the conversation open: Bob's message turns "Read" at once.
  await expect(message(bobWithAlice, 'Yes we can!')).toContainText('Read');

  // Consecutive messages form a group under one date separator; the time shows once per group.
  await say(alice, bobName, 'Great, see you at the site.');
  await say(alice, bobName, 'Bring the tools.');
  await expect(message(bobWithAlice, 'Bring the tools.')).toBeVisible();
  await expect(bobWithAlice.locator('.date-separator')).toHaveText(['Today']);
  await expect(message(bobWithAlice, 'Great, see you at the site.')).toHaveClass(/first/);
  await expect(message(bobWithAlice, 'Great, see you at the site.')).not.toHaveClass(/last/);
  await expect(message(bobWithAlice, 'Bring the tools.')).toHaveClass(/last/);

  // A second conversation: side by side on a wide screen; on a phone, one screen at a time.
  const aliceWithCarol = await openConversation(alice, carolUser.username);
  if (onPhone(alice)) {
    await expect(aliceWithBob).toBeHidden();
    await expect(contact(alice, bobName)).toBeHidden();
    await backToContacts(alice);
    await expect(aliceWithCarol).toBeHidden();
  } else {
    await expect(aliceWithBob).toBeVisible();
  }
  await alice.screenshot({ path: screenshotPath('chat') });
  await bob.screenshot({ path: screenshotPath('chat-bob') });

  // A reload brings the open conversations back (on a phone behind the contact list, where she left it).
  await alice.reload();
  await expect(alice.getByRole('status').filter({ hasText: 'Connected' })).toBeVisible();
  await expect(alice.locator(`section.pane[data-peer="${carolUser.username}"]`)).toBeAttached();
  await expect(alice.locator(`section.pane[data-peer="${bobName}"]`)).toBeAttached();
  await openConversation(alice, bobName);
  await expect(message(conversation(alice, bobName), 'Bring the tools.')).toBeVisible();

  // Bob closes his page: Alice sees him go offline, and writes while he is away.
  await bob.close();
  await expect(conversation(alice, bobName).getByText(/last seen|offline/)).toBeVisible({ timeout: 15_000 });
  await say(alice, bobName, 'Call me when you are back.');
  await expect(message(conversation(alice, bobName), 'Call me when you are back.')).toContainText('Sent');

  // Bob logs in again and finds the message, marked unread; opening the conversation marks it read.
  const bobAgainContext = await browser.newContext();
  const bobAgain = await bobAgainContext.newPage();
  await logIn(bobAgain, bobUser);
  const aliceForBob = contact(bobAgain, aliceName);
  await expect(aliceForBob).toHaveAccessibleName(`${aliceName}, online, 1 unread`);
  const again = await openConversation(bobAgain, aliceName);
  await expect(message(again, 'Call me when you are back.')).toBeVisible();
  const texts = await again.locator('.bubble').allInnerTexts();
  expect(texts.slice(-5)).toEqual([
    'Hi Bob! Can we fix it?',
    'Yes we can!',
    'Great, see you at the site.',
    'Bring the tools.',
    'Call me when you are back.',
  ]);
  await expect(message(conversation(alice, bobName), 'Call me when you are back.')).toContainText('Read');
  await backToContacts(bobAgain);
  await expect(aliceForBob).toHaveAccessibleName(`${aliceName}, online`);

  await aliceContext.close();
  await bobContext.close();
  await bobAgainContext.close();
});

test('a long conversation opens at the first unread message below a divider, and loads older ones on scrolling up', async ({
  browser,
  request,
}) => {
  const { carol: carolUser, bob: bobUser } = await freshUsers(request, 'carol', 'bob');
  const carolApi = await apiLogin(request, carolUser);
  const bobApi = await apiLogin(request, bobUser);
  for (let i = 1; i <= 48; i++) {
    await apiCall(request, bobApi.token, SEND, { to: carolApi.id, body: `Line ${i} of the story` });
    // Carol has read the first 45.
    if (i === 45)
      await apiCall(request, carolApi.token, 'mutation ($w: ID!) { markConversationRead(withUserId: $w) }', {
        w: bobApi.id,
      });
  }

  const context = await browser.newContext();
  const carol = await context.newPage();
  await logIn(carol, carolUser);
  await expect(contact(carol, bobUser.username)).toHaveAccessibleName(`${bobUser.username}, offline, 3 unread`);
  await expect(carol).toHaveTitle('(3) Parley');
  const pane = await openConversation(carol, bobUser.username);
  const divider = pane.locator('[data-divider="unread"]');
  await expect(divider).toHaveText('New messages');
  await expect(divider).toBeInViewport();
  await expect(message(pane, 'Line 46 of the story')).toBeInViewport();
  // Marked read in one call: the badge and the title follow.
  await expect(carol).toHaveTitle('Parley');
  await expect(pane.getByText('Line 1 of the story', { exact: true })).toHaveCount(0);

  // Scrolling up loads the older history.
  await pane.locator('ol.messages').evaluate((el) => {
    el.scrollTop = 0;
  });
  await expect(pane.getByText('Line 1 of the story', { exact: true })).toBeAttached();
  await expect(pane.getByRole('button', { name: 'Load older' })).toHaveCount(0);
  const texts = (await pane.locator('.bubble').allTextContents()).filter((t) => t.endsWith('of the story'));
  expect(texts).toEqual(Array.from({ length: 48 }, (_, i) => `Line ${i + 1} of the story`));
  await context.close();
});

test('the same person in two tabs sees what each tab sends, once', async ({ browser, request }) => {
  const { alice, admin } = await freshUsers(request, 'alice', 'admin');
  const context = await browser.newContext();
  const first = await context.newPage();
  await logIn(first, alice);
  const second = await context.newPage();
  await second.goto('/');
  await expect(second.getByText(`Signed in as ${alice.username}`)).toBeVisible();
  await openConversation(first, admin.username);
  await openConversation(second, admin.username);

  await say(first, admin.username, 'Sent from the first tab');
  await expect(message(conversation(second, admin.username), 'Sent from the first tab')).toContainText('Sent');
  await expect(message(conversation(first, admin.username), 'Sent from the first tab')).toHaveCount(1);
  await expect(message(conversation(second, admin.username), 'Sent from the first tab')).toHaveCount(1);
  await context.close();
});

test('contacts are searched on the server; a conversation opened from a search stays open, also after a reload', async ({
  browser,
  request,
}) => {
  const { seeker, zora } = await freshUsers(request, 'seeker', 'zora');
  const context = await browser.newContext();
  const page = await context.newPage();
  await logIn(page, seeker);
  const list = page.getByRole('navigation', { name: /Contacts/ });
  const search = list.getByRole('searchbox', { name: 'Search contacts' });

  // Her name's unique part finds her alone, whatever the size of the directory.
  await search.fill(zora.username.slice('zora_'.length).toUpperCase());
  await expect(list.getByRole('button', { name: /, / })).toHaveCount(1);
  await contact(page, zora.username).click();
  const pane = conversation(page, zora.username);
  await expect(pane).toBeVisible();
  await say(page, zora.username, 'Found you by name');
  await expect(message(pane, 'Found you by name')).toContainText('Sent');

  // After a reload (the search is empty again) the open conversation comes back by its person's id.
  await page.reload();
  await expect(page.getByRole('status').filter({ hasText: 'Connected' })).toBeVisible();
  await expect(conversation(page, zora.username)).toBeVisible();
  await expect(message(conversation(page, zora.username), 'Found you by name')).toBeVisible();

  await backToContacts(page);
  await search.fill('no-such-name-at-all');
  await expect(list.getByText('Nobody’s name contains “no-such-name-at-all”.')).toBeVisible();
  if (!onPhone(page)) await expect(pane, 'the open conversation does not depend on the list').toBeVisible();
  await context.close();
});

test('a search with more than a page of matches shows the rest with Show more', async ({ browser, request }) => {
  // Named to sort after everyone else: the other tests' people stay on the directory's first page.
  const tag = `zzcrowd${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
  const names = Array.from({ length: 105 }, (_, i) => `${tag}_${String(i).padStart(3, '0')}`);
  for (let i = 0; i < names.length; i += 8)
    await Promise.all(names.slice(i, i + 8).map((name) => apiRegister(request, name, 'crowd-password')));
  const { viewer } = await freshUsers(request, 'viewer');
  const context = await browser.newContext();
  const page = await context.newPage();
  await logIn(page, viewer);
  const list = page.getByRole('navigation', { name: /Contacts/ });
  const found = list.getByRole('button', { name: new RegExp(`^${tag}_\\d{3}, `) });
  const more = list.getByRole('button', { name: 'Show more' });

  await list.getByRole('searchbox', { name: 'Search contacts' }).fill(tag);
  await expect(found).toHaveCount(100);
  await expect(contact(page, names[99] as string)).toBeVisible();
  await more.click();
  await expect(found).toHaveCount(105);
  await expect(contact(page, names[104] as string)).toBeVisible();
  await expect(more, 'the last page came back short: nothing more to show').toHaveCount(0);
  await context.close();
});
