import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type FakeModelServer, startFakeModelServer } from '../test/fake-model-server';
import { connect, gql, register, subscribe } from '../test/graphql-client';
import { JOB_FIELDS, type Job, jobStatus, modelEnv, submitChat } from '../test/jobs-client';
import { type ServerMode, type ServerProcess, startServer, testEnv, uniqueName } from '../test/server-process';

const FOLLOW = `subscription($id: ID!) { jobUpdated(id: $id) { ${JOB_FIELDS} } }`;

for (const mode of ['redis', 'single-node'] as ServerMode[]) {
  describe(`a late jobUpdated subscriber (${mode})`, () => {
    let fake: FakeModelServer;
    let server: ServerProcess;
    before(async () => {
      fake = await startFakeModelServer();
      // The stream stalls after 3 tokens: no later chunk could bring a late subscriber the text.
      server = await startServer(testEnv(mode, modelEnv(fake, { MODEL_TIMEOUT_SECONDS: '30' })));
    });
    after(async () => {
      await server.stop();
      await fake.close();
    });

    test('gets the text so far in its first event, and so does jobStatus', async () => {
      const alice = await register(server.url, uniqueName('late'));
      const submitted = await submitChat(server.url, alice.token, {
        messages: [{ role: 'user', content: 'go [tokens:10] [stall:3]' }],
      });
      const id = submitted.data?.submitChat.id;
      assert.ok(id, JSON.stringify(submitted));
      const socket = connect(server.wsUrl, alice.token);
      await socket.connected;
      const early = subscribe<{ jobUpdated: Job }>(socket, FOLLOW, { id });
      const streamed = await early.next((e) => e.jobUpdated.text === 't1 t2 t3 ');
      assert.equal(streamed.jobUpdated.state, 'ACTIVE');

      // Arrives after the last chunk it will ever see: its snapshot must carry the text.
      const late = subscribe<{ jobUpdated: Job }>(socket, FOLLOW, { id });
      const first = await late.next();
      assert.equal(first.jobUpdated.state, 'ACTIVE');
      assert.equal(first.jobUpdated.text, 't1 t2 t3 ');
      const status = await jobStatus(server.url, alice.token, id);
      assert.equal(status.data?.jobStatus.text, 't1 t2 t3 ');
      await gql(server.url, 'mutation($id: ID!) { cancelChat(id: $id) { id } }', { id }, alice.token);
      socket.client.dispose();
    });
  });
}
