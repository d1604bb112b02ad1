import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { type FakeModelServer, startFakeModelServer } from '../test/fake-model-server';
import { codeOf, connect, register, subscribe } from '../test/graphql-client';
import { finished, modelEnv, waitForJob } from '../test/jobs-client';
import { type ServerMode, startServer, startWorker, testEnv, uniqueName } from '../test/server-process';
import { waitFor } from '../test/wait-for';

interface LogLine {
  msg: string;
  requestId?: string;
  transport?: string;
  operation?: string;
  type?: string;
  userId?: string;
  durationMs?: number;
  code?: string;
  jobId?: string;
}

const lines = (output: string): LogLine[] =>
  output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogLine);

async function post(url: string, query: string, variables: Record<string, unknown>, headers: Record<string, string>) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { requestId: res.headers.get('x-request-id'), body: (await res.json()) as Record<string, any> };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('operation logs and request ids', () => {
  let fake: FakeModelServer;
  before(async () => {
    fake = await startFakeModelServer();
  });
  after(() => fake.close());

  for (const mode of ['redis', 'single-node'] as ServerMode[]) {
    test(`${mode}: one line per operation over HTTP and WebSocket, with name, user, duration and error code`, async () => {
      const server = await startServer(testEnv(mode));
      try {
        const alice = await register(server.url, uniqueName('log'));
        const requestId = `req-${randomBytes(6).toString('hex')}`;
        const me = await post(
          server.url,
          'query WhoAmI { me { id } }',
          {},
          {
            authorization: `Bearer ${alice.token}`,
            'x-request-id': requestId,
          },
        );
        assert.equal(me.requestId, requestId, 'a sane X-Request-Id is kept and returned');
        const ok = await waitFor(() => lines(server.output()).find((l) => l.requestId === requestId));
        assert.equal(ok.msg, 'graphql operation');
        assert.equal(ok.operation, 'WhoAmI');
        assert.equal(ok.type, 'query');
        assert.equal(ok.transport, 'http');
        assert.equal(ok.userId, alice.user.id);
        assert.equal(typeof ok.durationMs, 'number');
        assert.equal(ok.code, undefined);

        const bad = await post(
          server.url,
          'mutation BadSend { sendMessage(toUserId: "no-such-user", body: "x") { id } }',
          {},
          { authorization: `Bearer ${alice.token}` },
        );
        assert.match(bad.requestId ?? '', UUID, 'no X-Request-Id: one is generated');
        const failed = await waitFor(() => lines(server.output()).find((l) => l.requestId === bad.requestId));
        assert.equal(failed.operation, 'BadSend');
        assert.equal(failed.code, codeOf(bad.body));
        assert.ok(failed.code && failed.code !== 'INTERNAL_SERVER_ERROR');

        const socket = connect(server.wsUrl, alice.token);
        await socket.connected;
        const sub = subscribe(socket, 'subscription Watch { messageReceived { id } }');
        const query = subscribe(socket, 'query WsWho { me { id } }');
        await query.next();
        sub.dispose();
        const wsLines = await waitFor(() => {
          const found = lines(server.output()).filter((l) => l.transport === 'ws' && l.userId === alice.user.id);
          return found.length >= 2 ? found : undefined;
        });
        assert.deepEqual(wsLines.map((l) => `${l.operation}:${l.type}`).sort(), ['Watch:subscription', 'WsWho:query']);
        for (const line of wsLines) assert.match(line.requestId ?? '', UUID);
        await socket.client.dispose();
      } finally {
        await server.stop();
      }
    });
  }

  test('an X-Request-Id that could forge a log line or is too long is replaced', async () => {
    const server = await startServer(testEnv('single-node'));
    try {
      for (const header of ['has spaces', 'a"quote', 'x'.repeat(129), 'ünïcode', '{"msg":"forged"}']) {
        const res = await post(server.url, 'query Anon { __typename }', {}, { 'x-request-id': header });
        assert.match(res.requestId ?? '', UUID, header);
      }
      const also = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'probe-1' } });
      assert.equal(also.headers.get('x-request-id'), 'probe-1', 'every route returns the id');
    } finally {
      await server.stop();
    }
  });

  test("a model job's request id follows it from the API to the worker's log", async () => {
    const env = testEnv('redis', modelEnv(fake, { ROLE: 'api', REDIS_PREFIX: uniqueName('reqid') }));
    const api = await startServer(env);
    const worker = await startWorker(env);
    try {
      const user = await register(api.url, uniqueName('reqid'));
      const requestId = `trace-${randomBytes(6).toString('hex')}`;
      const submitted = await post(
        api.url,
        'mutation Ask($input: SubmitChatInput!) { submitChat(input: $input) { id } }',
        { input: { messages: [{ role: 'user', content: 'follow me' }] } },
        { authorization: `Bearer ${user.token}`, 'x-request-id': requestId },
      );
      const jobId = submitted.body.data.submitChat.id as string;
      assert.equal((await waitForJob(api.url, user.token, jobId, finished)).state, 'COMPLETED');
      const done = await waitFor(() =>
        lines(worker.output()).find((l) => l.msg === 'job completed' && l.jobId === jobId),
      );
      assert.equal(done.requestId, requestId);
      const apiLine = lines(api.output()).find((l) => l.msg === 'graphql operation' && l.requestId === requestId);
      assert.equal(apiLine?.operation, 'Ask');

      // Over a WebSocket, the operation's own id (in its log line) is the one its job records.
      const socket = connect(api.wsUrl, user.token);
      await socket.connected;
      const asked = subscribe<{ submitChat: { id: string } }>(
        socket,
        'mutation WsAsk($input: SubmitChatInput!) { submitChat(input: $input) { id } }',
        { input: { messages: [{ role: 'user', content: 'follow me too' }] } },
      );
      const wsJobId = (await asked.next()).submitChat.id;
      await socket.client.dispose();
      assert.equal((await waitForJob(api.url, user.token, wsJobId, finished)).state, 'COMPLETED');
      const wsDone = await waitFor(() =>
        lines(worker.output()).find((l) => l.msg === 'job completed' && l.jobId === wsJobId),
      );
      const wsLine = await waitFor(() =>
        lines(api.output()).find((l) => l.msg === 'graphql operation' && l.operation === 'WsAsk'),
      );
      assert.match(wsDone.requestId ?? '', UUID);
      assert.equal(wsDone.requestId, wsLine.requestId);
    } finally {
      await Promise.all([api.stop(), worker.stop()]);
    }
  });
});
