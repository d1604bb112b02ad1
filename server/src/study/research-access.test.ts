import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { codeOf, connect, gql, register, subscribe } from '../test/graphql-client';
import { CHANGES, DELETE, PAGE, PREVIEW, TRANSCRIPT } from '../test/research-client';
import { type ServerProcess, startServer, testEnv, uniqueName } from '../test/server-process';
import { newParticipant, newResearcher, studiesDir } from '../test/study-client';
import { waitFor } from '../test/wait-for';

const studyFile = (slug: string, researchers?: string[]) => ({
  slug,
  title: `Study ${slug}`,
  consent: 'ok',
  completionCode: 'C1',
  conditions: [{ name: 'only', chat: false }],
  tasks: [{ id: 't1', title: 'One' }],
  ...(researchers ? { researchers } : {}),
});

describe('two research groups on one server', () => {
  let server: ServerProcess;
  const groupA = uniqueName('ra');
  const groupB = uniqueName('rb');
  let a: string;
  let b: string;
  before(async () => {
    const dir = await studiesDir({
      'alpha.json': studyFile('alpha', [groupA.toUpperCase()]),
      'beta.json': studyFile('beta', [groupB]),
      'shared.json': studyFile('shared'),
    });
    server = await startServer(testEnv('single-node', { STUDIES_DIR: dir }));
    [a, b] = await Promise.all([newResearcher(server.url, groupA), newResearcher(server.url, groupB)]);
  });
  after(() => server.stop());

  const slugs = async (token: string) =>
    (((await gql(server.url, '{ studies { slug } }', {}, token)).data?.studies ?? []) as { slug: string }[])
      .map((s) => s.slug)
      .sort();

  test('each group lists only its own studies and those that name no researchers', async () => {
    assert.deepEqual(await slugs(a), ['alpha', 'shared'], 'usernames match case-insensitively');
    assert.deepEqual(await slugs(b), ['beta', 'shared']);
    const other = await newResearcher(server.url);
    assert.deepEqual(await slugs(other), ['shared']);
    const user = await register(server.url, uniqueName('u'));
    assert.equal(codeOf(await gql(server.url, '{ studies { slug } }', {}, user.token)), 'FORBIDDEN');
  });

  test("the other group's study answers NOT_FOUND everywhere, as one that does not exist", async () => {
    const p = await newParticipant(server.url, 'alpha');
    const asB = (query: string, variables: Record<string, unknown>) => gql(server.url, query, variables, b);
    const refused = [
      await asB(PAGE, { slug: 'alpha' }),
      await asB(TRANSCRIPT, { slug: 'alpha', id: p.id }),
      await asB('query { studyExport(slug: "alpha") }', {}),
      await asB('query { prolificReview(slug: "alpha") }', {}),
      await asB(PREVIEW, { slug: 'alpha', condition: 'only' }),
      await asB(DELETE, { slug: 'alpha', id: p.id, confirm: p.participantId }),
    ];
    for (const res of refused) assert.equal(codeOf(res), 'NOT_FOUND', JSON.stringify(res.errors));
    for (const res of refused) assert.doesNotMatch(JSON.stringify(res), new RegExp(p.participantId));

    // Their own study's slug with the other study's participation id: still not found.
    assert.equal(codeOf(await asB(TRANSCRIPT, { slug: 'beta', id: p.id })), 'NOT_FOUND');
    assert.equal(codeOf(await asB(DELETE, { slug: 'beta', id: p.id, confirm: p.participantId })), 'NOT_FOUND');
    const made = '00000000-0000-4000-8000-000000000000';
    assert.equal(codeOf(await gql(server.url, TRANSCRIPT, { slug: 'alpha', id: made }, a)), 'NOT_FOUND');
    assert.equal(codeOf(await gql(server.url, TRANSCRIPT, { slug: 'alpha', id: 'x' }, a)), 'BAD_USER_INPUT');

    const socket = connect(server.wsUrl, b);
    const sub = subscribe(socket, CHANGES, { slug: 'alpha' });
    await waitFor(() => (sub.errors.length ? true : undefined));
    await socket.client.dispose();
    assert.equal(sub.events.length, 0);
    assert.match(JSON.stringify(sub.errors), /NOT_FOUND/);

    // The participant is still there for group A.
    const own = await gql(server.url, TRANSCRIPT, { slug: 'alpha', id: p.id }, a);
    assert.equal(own.data?.participantTranscript.participant.participantId, p.participantId);
  });
});
