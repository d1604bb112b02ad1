import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connect, gql, register, type Socket, type Subscription, subscribe, untilLive } from '../test/graphql-client';
import {
  type ServerMode,
  type ServerProcess,
  startServer,
  startServers,
  testEnv,
  uniqueName,
} from '../test/server-process';

const PRESENCE = 'subscription { presenceChanged { online at user { id username online lastSeenAt } } }';
const CONTACTS = 'query($after: String) { contacts(after: $after, limit: 200) { id username online lastSeenAt } }';

interface PresenceEvent {
  presenceChanged: {
    online: boolean;
    at: string;
    user: { id: string; username: string; online: boolean; lastSeenAt: string | null };
  };
}

const about = (userId: string, online: boolean) => (e: PresenceEvent) =>
  e.presenceChanged.user.id === userId && e.presenceChanged.online === online;

/** Makes `events` live: new probe users come online on `server` until the subscription hears of one. */
async function presenceLive(server: ServerProcess, events: Subscription<PresenceEvent>): Promise<void> {
  const probes = new Set<string>();
  const sockets: Socket[] = [];
  await untilLive(
    events,
    async () => {
      const probe = await register(server.url, uniqueName('probe'));
      probes.add(probe.user.id);
      sockets.push(connect(server.wsUrl, probe.token));
    },
    (e) => probes.has(e.presenceChanged.user.id) && e.presenceChanged.online,
  );
  for (const socket of sockets) socket.client.dispose();
}

/** The user's `online` as the contact list shows it (paging through the directory to find them). */
async function onlineIn(server: ServerProcess, token: string, userId: string): Promise<boolean | undefined> {
  let after: string | undefined;
  for (;;) {
    const page = (await gql(server.url, CONTACTS, { after }, token)).data?.contacts as
      | { id: string; username: string; online: boolean }[]
      | undefined;
    const found = page?.find((c) => c.id === userId);
    if (found || !page?.length) return found?.online;
    after = page.at(-1)?.username;
  }
}

// PRESENCE_TIMEOUT_SECONDS is 3 in tests. With Redis, the watcher and the user sit on two API processes.
for (const mode of ['redis', 'single-node'] as ServerMode[]) {
  describe(`presence (${mode})`, () => {
    let a: ServerProcess;
    let b: ServerProcess;
    before(async () => {
      a = await startServer(testEnv(mode));
      b = mode === 'redis' ? await startServer(testEnv(mode)) : a;
    });
    after(async () => {
      await Promise.all([...new Set([a, b])].map((s) => s.stop()));
    });

    test('online on one process is seen live on the other; two tabs stay online until the last closes', async () => {
      const watcher = await register(a.url, uniqueName('watcher'));
      const alice = await register(a.url, uniqueName('alice'));
      const watch = connect(b.wsUrl, watcher.token);
      const events = subscribe<PresenceEvent>(watch, PRESENCE);
      await presenceLive(a, events);
      assert.equal(await onlineIn(b, watcher.token, alice.user.id), false);

      const tab1 = connect(a.wsUrl, alice.token);
      const online = await events.next(about(alice.user.id, true));
      assert.equal(online.presenceChanged.user.online, true);
      assert.equal(await onlineIn(b, watcher.token, alice.user.id), true);

      const tab2 = connect(b.wsUrl, alice.token);
      await tab2.connected;
      tab1.client.dispose();
      await tab1.closed;
      // A later close on the same process: once its offline event arrives, tab 1's close was handled too.
      const marker = await register(a.url, uniqueName('marker'));
      const markerTab = connect(a.wsUrl, marker.token);
      await events.next(about(marker.user.id, true));
      markerTab.client.dispose();
      await events.next(about(marker.user.id, false));
      assert.equal(events.events.filter(about(alice.user.id, false)).length, 0, 'one tab still open');
      assert.equal(await onlineIn(a, watcher.token, alice.user.id), true);

      tab2.client.dispose();
      const offline = await events.next(about(alice.user.id, false));
      assert.ok(offline.presenceChanged.user.lastSeenAt, 'lastSeenAt is recorded');
      assert.equal(await onlineIn(a, watcher.token, alice.user.id), false);
      assert.equal(events.events.filter(about(alice.user.id, true)).length, 1, 'the second tab did not announce again');
      watch.client.dispose();
    });

    test('a client that stops answering without closing is shown offline within the timeout', async () => {
      const watcher = await register(a.url, uniqueName('watcher'));
      const alice = await register(a.url, uniqueName('alice'));
      const watch = connect(b.wsUrl, watcher.token);
      const events = subscribe<PresenceEvent>(watch, PRESENCE);
      await presenceLive(a, events);
      const zombie: Socket = connect(a.wsUrl, alice.token);
      await events.next(about(alice.user.id, true));
      // Stop reading: pings go unanswered, as with a laptop that lost its network.
      const raw = zombie.raw() as unknown as { _socket: { pause(): void } };
      raw._socket.pause();
      const started = Date.now();
      await events.next(about(alice.user.id, false), 15_000);
      assert.ok(Date.now() - started < 10_000, `offline after ${Date.now() - started} ms`);
      watch.client.dispose();
    });
  });
}

describe('presence when an API process dies', () => {
  test('users connected to a SIGKILLed process go offline for the others, via the expiry in Redis', async () => {
    const [doomed, survivor] = (await startServers([testEnv(), testEnv()])) as [ServerProcess, ServerProcess];
    try {
      const watcher = await register(survivor.url, uniqueName('watcher'));
      const alice = await register(survivor.url, uniqueName('alice'));
      const watch = connect(survivor.wsUrl, watcher.token);
      const events = subscribe<PresenceEvent>(watch, PRESENCE);
      await presenceLive(doomed, events);
      connect(doomed.wsUrl, alice.token);
      await events.next(about(alice.user.id, true));
      await doomed.kill();
      await events.next(about(alice.user.id, false), 15_000);
      assert.equal(await onlineIn(survivor, watcher.token, alice.user.id), false);
      watch.client.dispose();
    } finally {
      await Promise.all([doomed.stop(), survivor.stop()]);
    }
  });
});
