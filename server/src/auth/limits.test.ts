import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { gqlFrom, randomIp } from '../test/from-ip';
import { codeOf, type GraphQLResponse } from '../test/graphql-client';
import { type ServerMode, type ServerProcess, startServer, testEnv, uniqueName } from '../test/server-process';

const LOGIN = 'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token user { id username } } }';
const REGISTER = 'mutation($u: String!, $p: String!) { register(username: $u, password: $p) { token user { id } } }';
const SEND = 'mutation($to: ID!, $body: String!) { sendMessage(toUserId: $to, body: $body) { id } }';
const HISTORY = 'query($with: ID!) { conversation(withUserId: $with, limit: 200) { messages { id } } }';

const MAX_FAILURES = 3;
const MAX_FAILURES_PER_IP = 8;
const REGISTRATIONS_PER_IP = 3;
const MESSAGES_PER_MINUTE = 5;

const codes = (results: GraphQLResponse<unknown>[]) => {
  const count: Record<string, number> = {};
  for (const r of results) {
    const code = String(codeOf(r) ?? 'OK');
    count[code] = (count[code] ?? 0) + 1;
  }
  return count;
};

async function registerFrom(url: string, ip: string, username = uniqueName('u')) {
  const res = await gqlFrom(url, ip, REGISTER, { u: username, p: 'the-real-password' });
  assert.ok(res.data?.register, JSON.stringify(res.errors));
  return { username, token: res.data.register.token as string, id: res.data.register.user.id as string };
}

for (const mode of ['redis', 'single-node'] as ServerMode[]) {
  describe(`limits that hold under concurrency (${mode})`, () => {
    let server: ServerProcess;
    before(async () => {
      server = await startServer(
        testEnv(mode, {
          TRUST_PROXY: '1',
          LOGIN_MAX_FAILURES: String(MAX_FAILURES),
          LOGIN_MAX_FAILURES_PER_IP: String(MAX_FAILURES_PER_IP),
          REGISTER_PER_IP_PER_HOUR: String(REGISTRATIONS_PER_IP),
          MESSAGES_PER_MINUTE: String(MESSAGES_PER_MINUTE),
        }),
      );
    });
    after(() => server.stop());

    test('40 parallel wrong passwords: exactly LOGIN_MAX_FAILURES are verified, the rest RATE_LIMITED', async () => {
      const owner = await registerFrom(server.url, randomIp());
      const attacker = randomIp();
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          gqlFrom(server.url, attacker, LOGIN, { u: owner.username, p: `wrong-password-${i}` }),
        ),
      );
      assert.deepEqual(codes(results), { UNAUTHENTICATED: MAX_FAILURES, RATE_LIMITED: 40 - MAX_FAILURES });
      // The per-IP limit (8) lets more through than the per-user one (3): the user's limit is what held.
      const limited = results.find((r) => r.errors?.[0]?.extensions?.reason === 'login-user');
      assert.ok(limited, 'refused by the per-user limit');
      assert.ok(Number(limited.errors?.[0]?.extensions?.retryAfterSeconds) > 0);
      // Said as a person reads it: the 15-minute window in minutes, not hundreds of seconds.
      assert.match(limited.errors?.[0]?.message ?? '', /^Too many attempts\. Try again in 1[45] minutes\.$/);
      // Even the right password is refused from the attacker's address...
      const right = { u: owner.username, p: 'the-real-password' };
      assert.equal(codeOf(await gqlFrom(server.url, attacker, LOGIN, right)), 'RATE_LIMITED');
      // ...but the owner, elsewhere, is not locked out.
      const own = await gqlFrom(server.url, randomIp(), LOGIN, right);
      assert.equal(own.data?.login.user.id, owner.id, JSON.stringify(own.errors));
    });

    test('40 parallel wrong logins from one address, any usernames: exactly the per-IP limit is verified', async () => {
      const ip = randomIp();
      const results = await Promise.all(
        Array.from({ length: 40 }, () => gqlFrom(server.url, ip, LOGIN, { u: uniqueName('nobody'), p: 'wrong-pass' })),
      );
      assert.deepEqual(codes(results), {
        UNAUTHENTICATED: MAX_FAILURES_PER_IP,
        RATE_LIMITED: 40 - MAX_FAILURES_PER_IP,
      });
      assert.equal(results.find((r) => codeOf(r) === 'RATE_LIMITED')?.errors?.[0]?.extensions?.reason, 'login-ip');
    });

    test('the per-user key ignores case: failures as ALICE count for alice, and login accepts any case', async () => {
      const owner = await registerFrom(server.url, randomIp(), uniqueName('casey'));
      const ip = randomIp();
      for (let i = 0; i < MAX_FAILURES; i++) {
        const name = i % 2 ? owner.username.toUpperCase() : ` ${owner.username} `;
        assert.equal(codeOf(await gqlFrom(server.url, ip, LOGIN, { u: name, p: 'wrong-password' })), 'UNAUTHENTICATED');
      }
      const blocked = await gqlFrom(server.url, ip, LOGIN, { u: owner.username, p: 'the-real-password' });
      assert.equal(codeOf(blocked), 'RATE_LIMITED');
      const other = await gqlFrom(server.url, randomIp(), LOGIN, {
        u: owner.username.toUpperCase(),
        p: 'the-real-password',
      });
      assert.equal(other.data?.login.user.id, owner.id, 'any case logs in');
      assert.equal(other.data?.login.user.username, owner.username, 'the name as registered');
    });

    test('a success resets the (username, IP) window', async () => {
      const owner = await registerFrom(server.url, randomIp());
      const ip = randomIp();
      const wrong = { u: owner.username, p: 'wrong-password' };
      for (let i = 0; i < MAX_FAILURES - 1; i++)
        assert.equal(codeOf(await gqlFrom(server.url, ip, LOGIN, wrong)), 'UNAUTHENTICATED');
      assert.ok((await gqlFrom(server.url, ip, LOGIN, { ...wrong, p: 'the-real-password' })).data?.login.token);
      for (let i = 0; i < MAX_FAILURES; i++)
        assert.equal(codeOf(await gqlFrom(server.url, ip, LOGIN, wrong)), 'UNAUTHENTICATED', `failure ${i + 1}`);
      assert.equal(codeOf(await gqlFrom(server.url, ip, LOGIN, wrong)), 'RATE_LIMITED');
    });

    test('registration per IP: 10 at once create exactly the limit; the others create nothing', async () => {
      const ip = randomIp();
      const names = Array.from({ length: 10 }, () => uniqueName('reg'));
      const results = await Promise.all(
        names.map((u) => gqlFrom(server.url, ip, REGISTER, { u, p: 'the-real-password' })),
      );
      assert.deepEqual(codes(results), { OK: REGISTRATIONS_PER_IP, RATE_LIMITED: 10 - REGISTRATIONS_PER_IP });
      assert.equal(results.find((r) => codeOf(r) === 'RATE_LIMITED')?.errors?.[0]?.extensions?.reason, 'register-ip');
      const refused = names.filter((_, i) => codeOf(results[i] as GraphQLResponse<unknown>) === 'RATE_LIMITED');
      for (const u of refused)
        assert.equal(
          codeOf(await gqlFrom(server.url, randomIp(), LOGIN, { u, p: 'the-real-password' })),
          'UNAUTHENTICATED',
          `${u} was not created`,
        );
      // Another address registers as usual.
      await registerFrom(server.url, randomIp());
    });

    test('messages per user: 20 at once store exactly MESSAGES_PER_MINUTE; others may still send', async () => {
      const [alice, bob, carol] = await Promise.all([1, 2, 3].map(() => registerFrom(server.url, randomIp())));
      assert.ok(alice && bob && carol);
      const ip = randomIp();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          gqlFrom(server.url, ip, SEND, { to: bob.id, body: `spam ${i}` }, alice.token),
        ),
      );
      assert.deepEqual(codes(results), { OK: MESSAGES_PER_MINUTE, RATE_LIMITED: 20 - MESSAGES_PER_MINUTE });
      assert.equal(results.find((r) => codeOf(r) === 'RATE_LIMITED')?.errors?.[0]?.extensions?.reason, 'messages');
      const history = await gqlFrom(server.url, ip, HISTORY, { with: alice.id }, bob.token);
      assert.equal(history.data?.conversation.messages.length, MESSAGES_PER_MINUTE, 'nothing more was stored');
      const fromCarol = await gqlFrom(server.url, randomIp(), SEND, { to: bob.id, body: 'hello' }, carol.token);
      assert.ok(fromCarol.data?.sendMessage.id, JSON.stringify(fromCarol.errors));
    });
  });
}
