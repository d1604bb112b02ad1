import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { gqlFrom, randomIp, wsFrom, wsRequest } from '../test/from-ip';
import { codeOf, gql, register } from '../test/graphql-client';
import { type ServerMode, type ServerProcess, startServer, testEnv, uniqueName } from '../test/server-process';

const LOGIN = 'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }';
const PER_IP = 2;

for (const mode of ['redis', 'single-node'] as ServerMode[]) {
  describe(`TRUST_PROXY=1 (${mode})`, () => {
    let server: ServerProcess;
    before(async () => {
      server = await startServer(testEnv(mode, { TRUST_PROXY: '1', LOGIN_MAX_FAILURES_PER_IP: String(PER_IP) }));
    });
    after(() => server.stop());

    const wrong = () => ({ u: uniqueName('nobody'), p: 'wrong-password' });

    test('a client cannot choose its IP with extra X-Forwarded-For entries: only the last hop counts', async () => {
      const client = randomIp();
      for (let i = 0; i < PER_IP; i++)
        assert.equal(codeOf(await gqlFrom(server.url, `${randomIp()}, ${client}`, LOGIN, wrong())), 'UNAUTHENTICATED');
      // Whatever it claims before the proxy's entry, it is the same client.
      for (const forged of [`${randomIp()}, ${client}`, `1.1.1.1, 2.2.2.2, ${client}`])
        assert.equal(codeOf(await gqlFrom(server.url, forged, LOGIN, wrong())), 'RATE_LIMITED', forged);
      // Another client behind the same proxy is not.
      assert.equal(codeOf(await gqlFrom(server.url, `${client}, ${randomIp()}`, LOGIN, wrong())), 'UNAUTHENTICATED');
    });

    test('IPv6 clients count by their /64: another address in it is the same client', async () => {
      const [a, b] = [randomBytes(2).readUInt16BE(), randomBytes(2).readUInt16BE()];
      const prefix = `2001:db8:${a.toString(16)}:${b.toString(16)}`;
      const nextPrefix = `2001:db8:${a.toString(16)}:${(b ^ 1).toString(16)}`;
      for (let i = 0; i < PER_IP; i++)
        assert.equal(codeOf(await gqlFrom(server.url, `${prefix}::${i + 1}`, LOGIN, wrong())), 'UNAUTHENTICATED');
      assert.equal(codeOf(await gqlFrom(server.url, `${prefix}:0:0:ffff:1234`, LOGIN, wrong())), 'RATE_LIMITED');
      assert.equal(
        codeOf(await gqlFrom(server.url, `${nextPrefix}::1`, LOGIN, wrong())),
        'UNAUTHENTICATED',
        'next /64',
      );
    });

    test('WebSocket operations see the same client address as HTTP', async () => {
      const { token } = await register(server.url, uniqueName('ws'));
      const client = randomIp();
      for (let i = 0; i < PER_IP; i++)
        assert.equal(codeOf(await gqlFrom(server.url, client, LOGIN, wrong())), 'UNAUTHENTICATED');
      const sameClient = wsFrom(server.wsUrl, `9.9.9.9, ${client}`, token);
      const otherClient = wsFrom(server.wsUrl, `${client}, ${randomIp()}`, token);
      try {
        assert.equal(codeOf(await wsRequest(sameClient, LOGIN, wrong())), 'RATE_LIMITED');
        assert.equal(codeOf(await wsRequest(otherClient, LOGIN, wrong())), 'UNAUTHENTICATED');
      } finally {
        await Promise.all([sameClient.dispose(), otherClient.dispose()]);
      }
    });
  });
}

describe('TRUST_PROXY values', () => {
  test('true is refused at start-up with a line naming the variable; a proxy list trusts only those hops', async () => {
    await assert.rejects(startServer(testEnv('single-node', { TRUST_PROXY: 'true' })), (error: Error) => {
      assert.match(error.message, /Invalid configuration: TRUST_PROXY must be a hop count/);
      return true;
    });
    await assert.rejects(startServer(testEnv('single-node', { TRUST_PROXY: '10.0.0.0/33' })), /TRUST_PROXY/);
    const server = await startServer(
      testEnv('single-node', { TRUST_PROXY: 'loopback, 10.0.0.0/8', LOGIN_MAX_FAILURES_PER_IP: '1' }),
    );
    try {
      const attempt = async (forwardedFor: string) =>
        codeOf(await gqlFrom(server.url, forwardedFor, LOGIN, { u: uniqueName('x'), p: 'wrong-password' }));
      const [client, other] = [randomIp(), randomIp()];
      assert.equal(await attempt(client), 'UNAUTHENTICATED');
      // Through a trusted 10.x proxy it is the same client; a claim before it changes nothing.
      assert.equal(await attempt(`${client}, 10.1.2.3`), 'RATE_LIMITED');
      assert.equal(await attempt(`${other}, ${client}`), 'RATE_LIMITED');
      assert.equal(await attempt(`${client}, ${other}`), 'UNAUTHENTICATED', 'an untrusted hop is the client');
    } finally {
      await server.stop();
    }
  });
});

// Without TRUST_PROXY, X-Forwarded-For is ignored: every request above would be 127.0.0.1.
describe('TRUST_PROXY unset', () => {
  test('X-Forwarded-For is ignored', async () => {
    const server = await startServer(testEnv('single-node', { LOGIN_MAX_FAILURES_PER_IP: '1' }));
    try {
      assert.equal(
        codeOf(await gqlFrom(server.url, randomIp(), LOGIN, { u: 'nobody1', p: 'wrong-pass' })),
        'UNAUTHENTICATED',
      );
      assert.equal(
        codeOf(await gqlFrom(server.url, randomIp(), LOGIN, { u: 'nobody2', p: 'wrong-pass' })),
        'RATE_LIMITED',
      );
      assert.equal(codeOf(await gql(server.url, LOGIN, { u: 'nobody3', p: 'wrong-pass' })), 'RATE_LIMITED');
    } finally {
      await server.stop();
    }
  });
});
