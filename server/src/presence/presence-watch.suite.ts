import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connect, register, type Socket, type Subscription, subscribe } from '../test/graphql-client';
import { type ServerMode, type ServerProcess, startServer, testEnv, uniqueName } from '../test/server-process';
import { waitFor } from '../test/wait-for';

const WATCH = 'subscription($ids: [ID!]) { presenceChanged(userIds: $ids) { online user { id online } } }';

interface Change {
  presenceChanged: { online: boolean; user: { id: string; online: boolean } };
}

const about = (userId: string, online: boolean) => (e: Change) =>
  e.presenceChanged.user.id === userId && e.presenceChanged.online === online;

/**
 * Subscribes to the presence of `ids` plus a few probe users, and returns once the subscription is live: the
 * next probe comes online until its arrival is seen, within a bounded deadline. `barrier()` brings one more
 * probe online: changes are delivered in order, so once its arrival is seen, every change published before it is.
 */
async function watchLive(server: ServerProcess, socket: Socket, ids: string[]) {
  const probes = await Promise.all(Array.from({ length: 5 }, () => register(server.url, uniqueName('probe'))));
  const probeIds = probes.map((p) => p.user.id);
  const events = subscribe<Change>(socket, WATCH, { ids: [...ids, ...probeIds] });
  const tabs: Socket[] = [];
  const cycle = async (waitMs: number) => {
    const probe = probes[tabs.length];
    if (!probe) throw new Error('out of probes: the presence subscription never became live');
    const tab = connect(server.wsUrl, probe.token);
    tabs.push(tab);
    await tab.connected;
    return waitFor(() => (events.events.some(about(probe.user.id, true)) ? true : undefined), waitMs).catch(
      () => false,
    );
  };
  while (!(await cycle(500))) {}
  return {
    events,
    probeIds,
    barrier: () => cycle(10_000),
    close: () => {
      for (const tab of tabs) tab.client.dispose();
    },
  };
}

const others = (events: Subscription<Change>, allowed: Set<string>) =>
  events.events.filter((e) => !allowed.has(e.presenceChanged.user.id));

/** The presenceChanged(userIds) tests on one engine (one file per engine keeps each file within the test timeout). */
export function presenceWatchSuite(mode: ServerMode) {
  describe(`presenceChanged(userIds) (${mode})`, () => {
    let server: ServerProcess;
    before(async () => {
      server = await startServer(testEnv(mode));
    });
    after(() => server.stop());

    test('a wave of 16 arrivals at once reaches a watcher of 8 of them with exactly those 8', async () => {
      const watcher = await register(server.url, uniqueName('watcher'));
      const users = await Promise.all(Array.from({ length: 16 }, () => register(server.url, uniqueName('wave'))));
      const watched = users.slice(0, 8).map((u) => u.user.id);
      const socket = connect(server.wsUrl, watcher.token);
      await socket.connected;
      const { events, probeIds, barrier, close } = await watchLive(server, socket, watched);
      const tabs = users.map((u) => connect(server.wsUrl, u.token));
      await Promise.all(tabs.map((t) => t.connected));
      // Every arrival was published before its tab's connect resolved; the probe's comes after them all.
      assert.ok(await barrier(), 'the probe came back online');
      assert.deepEqual(others(events, new Set([...watched, ...probeIds])), []);
      assert.equal(
        events.events.filter((e) => e.presenceChanged.online && watched.includes(e.presenceChanged.user.id)).length,
        8,
      );
      for (const tab of tabs) tab.client.dispose();
      close();
      socket.client.dispose();
    });

    test('more than 500 userIds, or a made-up id, is BAD_USER_INPUT; the socket stays usable', async () => {
      const watcher = await register(server.url, uniqueName('watcher'));
      const socket = connect(server.wsUrl, watcher.token);
      await socket.connected;
      const ids = Array.from({ length: 501 }, () => crypto.randomUUID());
      const tooMany = subscribe<Change>(socket, WATCH, { ids });
      const [first] = await waitFor(() => tooMany.errors[0] as { extensions?: Record<string, unknown> }[] | undefined);
      assert.equal(first?.extensions?.code, 'BAD_USER_INPUT');
      assert.equal(first?.extensions?.reason, 'TOO_MANY_USER_IDS');
      const madeUp = subscribe<Change>(socket, WATCH, { ids: ['not-a-user'] });
      const [bad] = await waitFor(() => madeUp.errors[0] as { extensions?: Record<string, unknown> }[] | undefined);
      assert.equal(bad?.extensions?.code, 'BAD_USER_INPUT');
      // 500 is allowed (an id of no one simply never changes).
      const { events, close } = await watchLive(server, socket, ids.slice(0, 495));
      assert.equal(events.errors.length, 0);
      close();
      socket.client.dispose();
    });

    test('a watched user stays online past the presence timeout while connected (batched refresh)', async () => {
      const watcher = await register(server.url, uniqueName('watcher'));
      const alice = await register(server.url, uniqueName('alice'));
      const socket = connect(server.wsUrl, watcher.token);
      await socket.connected;
      const { events, close } = await watchLive(server, socket, [alice.user.id]);
      const tab = connect(server.wsUrl, alice.token);
      await events.next(about(alice.user.id, true));
      // PRESENCE_TIMEOUT_SECONDS is 3: without a refresh, alice would expire and go offline.
      const offline = await events.next(about(alice.user.id, false), 7000).catch(() => undefined);
      assert.equal(offline, undefined, 'alice went offline while connected');
      tab.client.dispose();
      await events.next(about(alice.user.id, false));
      close();
      socket.client.dispose();
    });
  });
}
