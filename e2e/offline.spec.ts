import { expect, type Page, test, type WebSocketRoute } from '@playwright/test';
import { contact, freshUsers, logIn, message, openConversation, say, screenshotPath } from './helpers';

/**
 * Lets a page's WebSocket through to the server, or cuts it, like a flaky
 * network would (plain HTTP keeps working, so the page can still reload).
 */
async function controllableSocket(page: Page) {
  let cut = false;
  const open = new Set<WebSocketRoute>();
  await page.routeWebSocket(/\/graphql$/, (ws) => {
    if (cut) {
      void ws.close({ code: 1012, reason: 'network down' });
      return;
    }
    open.add(ws);
    ws.connectToServer();
    ws.onClose(() => open.delete(ws));
  });
  return {
    async cut() {
      cut = true;
      await Promise.all([...open].map((ws) => ws.close({ code: 1012, reason: 'network down' })));
      open.clear();
    },
    restore() {
      cut = false;
    },
  };
}

test('messages written while the connection is down are queued, survive a reload, and go out when it is back', async ({
  browser,
  request,
}) => {
  const users = await freshUsers(request, 'alice', 'carol');
  const carolName = users.carol.username;
  const aliceName = users.alice.username;
  const aliceContext = await browser.newContext();
  const alice = await aliceContext.newPage();
  const socket = await controllableSocket(alice);
  await logIn(alice, users.alice);
  const pane = await openConversation(alice, carolName);
  await expect(pane.getByText('No messages yet')).toBeVisible();

  // The connection drops.
  await socket.cut();
  await expect(alice.getByRole('status').filter({ hasText: 'Reconnecting...' }).first()).toBeVisible();

  // Alice keeps writing: the message is queued, not lost.
  await say(alice, carolName, 'Written while offline');
  await expect(message(pane, 'Written while offline')).toContainText('Queued');
  // She starts another one but does not send it yet.
  await pane.getByLabel(`Message to ${carolName}`).fill('Half-written draft');
  await alice.screenshot({ path: screenshotPath('reconnecting') });

  // A reload (still offline) keeps the open conversation, the queued message and the draft.
  await alice.reload();
  await expect(alice.getByText(`Signed in as ${aliceName}`)).toBeVisible();
  await expect(
    alice
      .getByRole('status')
      .filter({ hasText: /Reconnecting|Connecting/ })
      .first(),
  ).toBeVisible();
  await expect(message(pane, 'Written while offline')).toContainText('Queued');
  await expect(pane.getByLabel(`Message to ${carolName}`)).toHaveValue('Half-written draft');

  // The connection comes back: the queue is sent, once.
  socket.restore();
  await expect(alice.getByRole('status').filter({ hasText: 'Connected' })).toBeVisible({ timeout: 20_000 });
  await expect(message(pane, 'Written while offline')).toContainText('Sent');
  await expect(message(pane, 'Written while offline')).toHaveCount(1);

  // Carol finds exactly one copy.
  const carolContext = await browser.newContext();
  const carol = await carolContext.newPage();
  await logIn(carol, users.carol);
  await expect(contact(carol, aliceName)).toHaveAccessibleName(`${aliceName}, online, 1 unread`);
  const carolPane = await openConversation(carol, aliceName);
  await expect(message(carolPane, 'Written while offline')).toHaveCount(1);

  // Live updates work again on the new connection.
  await say(carol, aliceName, 'Got it, thanks');
  await expect(message(pane, 'Got it, thanks')).toBeVisible();

  await aliceContext.close();
  await carolContext.close();
});
