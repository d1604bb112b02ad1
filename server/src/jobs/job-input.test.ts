import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type FakeModelServer, startFakeModelServer } from '../test/fake-model-server';
import { register } from '../test/graphql-client';
import { finished, modelEnv, submitChat, waitForJob } from '../test/jobs-client';
import { type ServerProcess, startServer, testEnv, uniqueName } from '../test/server-process';

// What SQL could misread if a job's input were quoted wrongly, and an input too large to go inline.
const AWKWARD = `it's "quoted" \\ back\\slash \\' $1 $$ ? -- /* ; COMMIT; ünïcødé 🙂`;

describe('a submitChat input reaches the model as it was sent', () => {
  let fake: FakeModelServer;
  let server: ServerProcess;
  before(async () => {
    fake = await startFakeModelServer();
    server = await startServer(testEnv('redis', modelEnv(fake)));
  });
  after(async () => {
    await server.stop();
    await fake.close();
  });

  for (const [name, content] of [
    ['awkward characters', AWKWARD],
    ['over 64 KB', `${AWKWARD} ${'x'.repeat(70_000)}`],
  ]) {
    test(name, async () => {
      const user = await register(server.url, uniqueName('input'));
      const submitted = await submitChat(server.url, user.token, {
        messages: [{ role: 'user', content }],
        model: ' test-model ',
      });
      const id = submitted.data?.submitChat.id;
      assert.ok(id, JSON.stringify(submitted));
      const job = await waitForJob(server.url, user.token, id, finished);
      assert.equal(job.state, 'COMPLETED', JSON.stringify(job));
      assert.equal(job.model, 'test-model');
      const sent = fake.requests.find((r) => r.messages.some((m) => m.content === content));
      assert.ok(sent, 'the model was sent the message unchanged');
    });
  }
});
