import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { type FakeModelServer, startFakeModelServer } from '../test/fake-model-server';
import { codeOf, gql, register } from '../test/graphql-client';
import { finished, modelEnv, submitChat, waitForJob } from '../test/jobs-client';
import { type ServerProcess, startServer, testEnv, uniqueName } from '../test/server-process';
import { newParticipant, type SeenTurn, seenByModel, sql, studiesDir } from '../test/study-client';

/** `size` bytes that start with an image type's magic number (all the server checks: the model reads the rest). */
function image(kind: 'png' | 'jpeg' | 'gif' | 'webp', size: number, mime = `image/${kind}`): string {
  const magic = {
    png: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    jpeg: Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
    gif: Buffer.from('GIF89a'),
    webp: Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBP')]),
  }[kind];
  const bytes = Buffer.concat([magic, randomBytes(size - magic.length)]);
  return `data:${mime};base64,${bytes.toString('base64')}`;
}

/** The same bytes as a canonical data URL, but with a padding bit set: it decodes to the same bytes. */
function nonCanonical(url: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const at = url.length - 3;
  assert.equal(url.slice(-2), '==');
  return url.slice(0, at) + alphabet[alphabet.indexOf(url[at] as string) + 1] + url.slice(at + 1);
}

const study = {
  slug: 'pics',
  title: 'Pictures',
  consent: 'ok',
  completionCode: 'P1',
  conditions: [{ name: 'only', chat: true, systemPrompt: 'Look closely.' }],
  tasks: [{ id: 'look', title: 'Look', chat: true, turnLimit: 20 }],
};

describe('images in the study chat', () => {
  let fake: FakeModelServer;
  let server: ServerProcess;
  before(async () => {
    fake = await startFakeModelServer();
    const dir = await studiesDir({ 'pics.json': study });
    const limits = { MAX_IMAGE_BYTES: '1500', MAX_IMAGES_PER_REQUEST: '3', MAX_IMAGE_BYTES_PER_REQUEST: '3000' };
    server = await startServer(testEnv('single-node', { ...modelEnv(fake), STUDIES_DIR: dir, ...limits }));
  });
  after(async () => {
    await server.stop();
    await fake.close();
  });

  test('images are checked by their bytes and limited per request; accepted ones are stored with their turn', async () => {
    const p = await newParticipant(server.url, 'pics');
    const marker = uniqueName('img');
    const send = (images: string[]) =>
      submitChat(server.url, p.token, { taskId: 'look', messages: [{ role: 'user', content: marker, images }] });
    const text = `data:image/png;base64,${Buffer.from('<svg onload=alert(1)> not a picture').toString('base64')}`;
    const refused: [string[], string, string][] = [
      [[text], 'IMAGE_TYPE', 'a PNG label on text'],
      [[image('png', 100, 'image/jpeg')], 'IMAGE_TYPE', 'a JPEG label on PNG bytes'],
      [[image('gif', 100, 'image/webp')], 'IMAGE_TYPE', 'a WebP label on GIF bytes'],
      [[`data:image/svg+xml;base64,${Buffer.from('<svg/>').toString('base64')}`], 'IMAGE_FORMAT', 'SVG'],
      [['https://example.com/cat.png'], 'IMAGE_FORMAT', 'a link'],
      [[nonCanonical(image('png', 301))], 'IMAGE_FORMAT', 'non-canonical base64'],
      [[image('png', 1501)], 'IMAGE_TOO_LARGE', 'one image over MAX_IMAGE_BYTES'],
      [[image('png', 1100), image('jpeg', 1100), image('gif', 1100)], 'IMAGES_TOO_LARGE', 'three over the total'],
      [[image('png', 50), image('png', 50), image('png', 50), image('png', 50)], 'TOO_MANY_IMAGES', 'four'],
    ];
    for (const [images, reason, why] of refused) {
      const res = await send(images);
      assert.deepEqual([codeOf(res), res.errors?.[0]?.extensions?.reason], ['BAD_USER_INPUT', reason], why);
    }
    assert.equal(fake.requests.filter((r) => JSON.stringify(r.messages).includes(marker)).length, 0);
    const [none] = await sql<{ n: string }>('SELECT count(*) AS n FROM "StudyTurn" WHERE "participationId" = $1', [
      p.id,
    ]);
    assert.equal(Number(none?.n), 0, 'nothing was stored');

    const good = [image('jpeg', 900), image('gif', 900), image('webp', 900)];
    const ok = await send(good);
    const done = await waitForJob(server.url, p.token, ok.data?.submitChat.id as string, finished);
    assert.equal(done.state, 'COMPLETED');
    assert.match(done.text, /\[images: 3 image\/jpeg image\/gif image\/webp\]/);
    const [call] = fake.requests.filter((r) => JSON.stringify(r.messages).includes(marker));
    assert.deepEqual(call?.messages.map(seenByModel).at(-1), { role: 'user', text: marker, images: good } as SeenTurn);
    const turns = await gql(server.url, '{ myParticipation { turns(taskId: "look") { role images } } }', {}, p.token);
    assert.deepEqual(turns.data?.myParticipation.turns, [
      { role: 'user', images: good },
      { role: 'assistant', images: [] },
    ]);
  });

  test("users' submitChat checks image bytes and the per-request limits too", async () => {
    const user = await register(server.url, uniqueName('u'));
    const text = `data:image/png;base64,${Buffer.from('just text').toString('base64')}`;
    const cases: [unknown[], string][] = [
      [[{ role: 'user', content: 'hi', images: [text] }], 'IMAGE_TYPE'],
      [
        [
          { role: 'user', content: 'one', images: [image('png', 50), image('png', 50)] },
          { role: 'user', content: 'two', images: [image('png', 50), image('png', 50)] },
        ],
        'TOO_MANY_IMAGES',
      ],
    ];
    for (const [messages, reason] of cases) {
      const res = await submitChat(server.url, user.token, { messages });
      assert.deepEqual([codeOf(res), res.errors?.[0]?.extensions?.reason], ['BAD_USER_INPUT', reason]);
    }
  });
});
