import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client } from 'pg';
import { repoRoot } from '../config';
import { gqlFrom, randomIp } from '../test/from-ip';
import { codeOf } from '../test/graphql-client';
import { type ServerMode, type ServerProcess, startServer, testEnv } from '../test/server-process';

const START = 'mutation($input: StartParticipationInput!) { startParticipation(input: $input) { id token } }';
const PER_IP = 3;
const PER_STUDY = 6;

/** A Prolific-like participant id, made up as an attacker would. */
const madeUpId = () => randomBytes(12).toString('hex');

/** Two copies of the shipped demo study under their own slugs, so each test has its own study limit. */
async function studiesDir(slugs: string[]): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'parley-studies-'));
  const demo = await readFile(path.join(repoRoot, 'studies/demo.yaml'), 'utf8');
  for (const slug of slugs)
    await writeFile(path.join(dir, `${slug}.yaml`), demo.replace(/^slug: demo$/m, `slug: ${slug}`));
  return dir;
}

async function participationsOf(participantIds: string[]): Promise<number> {
  const db = new Client({ connectionString: process.env.TEST_DATABASE_URL });
  await db.connect();
  try {
    const { rows } = await db.query('SELECT count(*)::int AS n FROM "Participation" WHERE "participantId" = ANY($1)', [
      participantIds,
    ]);
    return rows[0].n;
  } finally {
    await db.end();
  }
}

for (const mode of ['redis', 'single-node'] as ServerMode[]) {
  describe(`startParticipation limits (${mode})`, () => {
    const suffix = randomBytes(3).toString('hex');
    const [byIp, byStudy] = [`limits-ip-${suffix}`, `limits-study-${suffix}`];
    let server: ServerProcess;
    before(async () => {
      server = await startServer(
        testEnv(mode, {
          TRUST_PROXY: '1',
          STUDIES_DIR: await studiesDir([byIp, byStudy]),
          PARTICIPATION_STARTS_PER_IP_PER_HOUR: String(PER_IP),
          PARTICIPATION_STARTS_PER_STUDY_PER_MINUTE: String(PER_STUDY),
        }),
      );
    });
    after(() => server.stop());

    const start = (ip: string, studySlug: string, participantId: string) =>
      gqlFrom(server.url, ip, START, {
        input: { studySlug, participantId, prolificStudyId: studySlug, sessionId: `s-${participantId}` },
      });

    test('made-up participant ids beyond the per-IP limit get RATE_LIMITED and create nothing', async () => {
      const ip = randomIp();
      const ids = Array.from({ length: 12 }, madeUpId);
      const results = await Promise.all(ids.map((id) => start(ip, byIp, id)));
      const started = results.filter((r) => r.data?.startParticipation?.token);
      const limited = results.filter((r) => codeOf(r) === 'RATE_LIMITED');
      assert.equal(
        started.length,
        PER_IP,
        JSON.stringify(results.find((r) => !['RATE_LIMITED'].includes(String(codeOf(r))))),
      );
      assert.equal(limited.length, ids.length - PER_IP);
      assert.equal(limited[0]?.errors?.[0]?.extensions?.reason, 'participation-ip');
      assert.equal(await participationsOf(ids), PER_IP, 'only the admitted ones exist');
      // Another address is not affected.
      assert.ok((await start(randomIp(), byIp, madeUpId())).data?.startParticipation?.token);
    });

    test('starts per study are limited across addresses', async () => {
      const ids = Array.from({ length: 10 }, madeUpId);
      const results = await Promise.all(ids.map((id) => start(randomIp(), byStudy, id)));
      const started = results.filter((r) => r.data?.startParticipation?.token).length;
      const limited = results.filter((r) => r.errors?.[0]?.extensions?.reason === 'participation-study').length;
      assert.deepEqual([started, limited], [PER_STUDY, ids.length - PER_STUDY]);
      assert.equal(await participationsOf(ids), PER_STUDY);
      // An unknown study is NOT_FOUND (its slug never becomes a limiter key).
      assert.equal(codeOf(await start(randomIp(), `nope-${suffix}`, madeUpId())), 'NOT_FOUND');
    });
  });
}
