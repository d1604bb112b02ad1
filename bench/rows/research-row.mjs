// Row 6: the researcher's participants table of a study of 10,000 (BIG_STUDY, seeded straight into Postgres as
// the paging test seeds it): time per page, one request at a time, beside `{ me { id } }` on the same connection.
import { copyFile, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { benchDir, repoRoot, runLoad } from '../lib/children.mjs';

const bigStudy = () => import(path.join(repoRoot, 'server/dist-test/test/big-study.js'));

/** The bench's studies: bench.yaml (row 5) and the big study (this row). */
export async function benchStudiesDir() {
  const { BIG_STUDY } = await bigStudy();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'parley-bench-studies-'));
  await copyFile(path.join(benchDir, 'studies/bench.yaml'), path.join(dir, 'bench.yaml'));
  await writeFile(path.join(dir, 'big.json'), JSON.stringify(BIG_STUDY));
  return dir;
}

async function researcherToken(url, databaseUrl, user) {
  const { sql } = await import(path.join(repoRoot, 'server/dist-test/test/sql.js'));
  await sql(`UPDATE "User" SET role = 'RESEARCHER' WHERE id = $1`, [user.id], databaseUrl);
  // The role reaches the server's session cache by a Postgres notification: wait (bounded) until it is seen.
  const stopAt = Date.now() + 5000;
  while (Date.now() < stopAt) {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}` },
      body: JSON.stringify({ query: '{ me { role } }' }),
    });
    if ((await res.json()).data?.me?.role === 'RESEARCHER') return user.token;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the researcher role was not seen within 5 s');
}

export async function researchRow({ parley, user, databaseUrl, rounds }) {
  const { BIG_STUDY_SIZE, seedBigStudy } = await bigStudy();
  await seedBigStudy(databaseUrl);
  const token = await researcherToken(parley.url, databaseUrl, user);
  const samples = [];
  for (let round = 0; round < rounds; round++) {
    samples.push(await runLoad('research-load', { url: parley.url, token, size: BIG_STUDY_SIZE, repeats: 5 }));
  }
  return { size: BIG_STUDY_SIZE, samples };
}
