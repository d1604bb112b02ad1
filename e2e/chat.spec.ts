import { expect, test } from '@playwright/test';
import { apiCall, apiLogin, contact, conversation, logIn, message, say, screenshotPath, users } from './helpers';

test('alice and bob see each other come and go, chat live, and a message sent while bob is away waits for him', async ({
  browser,
}) => {
  const aliceContext = await browser.newContext();
  const alice = await aliceContext.newPage();

  // Alice opens Parley and logs in.
  await alice.goto('/');
  await expect(alice.getByRole('button', { name: 'Log in' })).toBeVisible();
  await alice.screenshot({ path: screenshotPath('login') });
  await logIn(alice, users.alice);

  // Bob is not here yet.
  await expect(contact(alice, 'bob')).toHaveAttribute('data-online', 'false');

  // Bob logs in elsewhere; each sees the other online.
  const bobContext = await browser.newContext();
  const bob = await bobContext.newPage();
  await logIn(bob, users.bob);
  await expect(contact(alice, 'bob')).toHaveAttribute('data-online', 'true');
  await expect(contact(alice, 'bob')).toHaveAccessibleName('bob, online');
  await expect(contact(bob, 'alice')).toHaveAttribute('data-online', 'true');

  // Alice writes to Bob.
  await contact(alice, 'bob').click();
  const aliceWithBob = conversation(alice, 'bob');
  await expect(aliceWithBob).toBeVisible();
  await say(alice, 'bob', 'Hi Bob! Can we fix it?');
  await expect(message(aliceWithBob, 'Hi Bob! Can we fix it?')).toContainText('Sent');

  // Bob gets it live: an unread badge first, then the message when he opens the conversation.
  await expect(contact(bob, 'alice')).toHaveAccessibleName('alice, online, 1 unread');
  await contact(bob, 'alice').click();
  const bobWithAlice = conversation(bob, 'alice');
  await expect(message(bobWithAlice, 'Hi Bob! Can we fix it?')).toBeVisible();
  await expect(contact(bob, 'alice')).toHaveAccessibleName('alice, online');

  // Bob answers (pressing Enter), Alice sees it without reloading.
  await bobWithAlice.getByLabel('Message to alice').fill('Yes we can!');
  await bobWithAlice.getByLabel('Message to alice').press('Enter');
  await expect(message(aliceWithBob, 'Yes we can!')).toBeVisible();
  await expect(message(bobWithAlice, 'Yes we can!')).toContainText('Sent');

  // And back again.
  await say(alice, 'bob', 'Great, see you at the site.');
  await expect(message(bobWithAlice, 'Great, see you at the site.')).toBeVisible();
  // Several conversations stay open side by side.
  await contact(alice, 'carol').click();
  await expect(conversation(alice, 'carol')).toBeVisible();
  await expect(aliceWithBob).toBeVisible();
  await alice.screenshot({ path: screenshotPath('chat') });
  await bob.screenshot({ path: screenshotPath('chat-bob') });

  // Bob closes his page: Alice sees him go offline.
  await bob.close();
  await expect(contact(alice, 'bob')).toHaveAttribute('data-online', 'false', { timeout: 15_000 });
  await expect(aliceWithBob.getByText(/last seen|offline/)).toBeVisible();

  // Alice writes while he is away.
  await say(alice, 'bob', 'Call me when you are back.');
  await expect(message(aliceWithBob, 'Call me when you are back.')).toContainText('Sent');

  // Bob logs in again and finds the message, marked unread.
  const bobAgainContext = await browser.newContext();
  const bobAgain = await bobAgainContext.newPage();
  await logIn(bobAgain, users.bob);
  await expect(contact(alice, 'bob')).toHaveAttribute('data-online', 'true');
  const aliceForBob = contact(bobAgain, 'alice');
  await expect(aliceForBob).toHaveAccessibleName('alice, online, 1 unread');
  await expect(aliceForBob).toHaveAttribute('data-unread', '1');
  await aliceForBob.click();
  const again = conversation(bobAgain, 'alice');
  await expect(message(again, 'Call me when you are back.')).toBeVisible();
  // The earlier conversation is there too, in order.
  await expect(message(again, 'Hi Bob! Can we fix it?')).toBeVisible();
  const texts = await again.locator('.bubble').allInnerTexts();
  expect(texts.slice(-4)).toEqual([
    'Hi Bob! Can we fix it?',
    'Yes we can!',
    'Great, see you at the site.',
    'Call me when you are back.',
  ]);
  // Opening it marked it read.
  await expect(aliceForBob).toHaveAccessibleName('alice, online');

  await aliceContext.close();
  await bobContext.close();
  await bobAgainContext.close();
});

test('a long conversation loads its older messages on demand', async ({ browser, request }) => {
  const carolApi = await apiLogin(request, users.carol);
  const bobApi = await apiLogin(request, users.bob);
  for (let i = 1; i <= 45; i++) {
    await apiCall(
      request,
      bobApi.token,
      'mutation ($to: ID!, $body: String!) { sendMessage(toUserId: $to, body: $body) { id } }',
      {
        to: carolApi.id,
        body: `Line ${i} of the story`,
      },
    );
  }

  const context = await browser.newContext();
  const carol = await context.newPage();
  await logIn(carol, users.carol);
  await contact(carol, 'bob').click();
  const pane = conversation(carol, 'bob');
  await expect(message(pane, 'Line 45 of the story')).toBeVisible();
  await expect(pane.getByText('Line 1 of the story', { exact: true })).toHaveCount(0);

  await pane.getByRole('button', { name: 'Load older' }).click();
  await expect(pane.getByText('Line 1 of the story', { exact: true })).toBeAttached();
  await expect(pane.getByRole('button', { name: 'Load older' })).toHaveCount(0);
  const texts = (await pane.locator('.bubble').allTextContents()).filter((t) => t.endsWith('of the story'));
  expect(texts).toEqual(Array.from({ length: 45 }, (_, i) => `Line ${i + 1} of the story`));
  await context.close();
});

test('the same person in two tabs sees what each tab sends, once', async ({ browser }) => {
  const context = await browser.newContext();
  const first = await context.newPage();
  await logIn(first, users.alice);
  const second = await context.newPage();
  await second.goto('/');
  await expect(second.getByText('Signed in as alice')).toBeVisible();
  await contact(first, 'admin').click();
  await contact(second, 'admin').click();

  await say(first, 'admin', 'Sent from the first tab');
  await expect(message(conversation(second, 'admin'), 'Sent from the first tab')).toContainText('Sent');
  await expect(message(conversation(first, 'admin'), 'Sent from the first tab')).toHaveCount(1);
  await expect(message(conversation(second, 'admin'), 'Sent from the first tab')).toHaveCount(1);
  await context.close();
});
