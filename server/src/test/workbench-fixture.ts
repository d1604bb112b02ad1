import { after, before } from 'node:test';
import { type FakeModelServer, startFakeModelServer } from './fake-model-server';
import { connect, gql, type Socket } from './graphql-client';
import { modelEnv } from './jobs-client';
import { type ServerMode, type ServerProcess, startServer, testEnv } from './server-process';
import { newResearcher, studiesDir } from './study-client';

/** A study with model chat in two conditions, scored questions, an attention check and a bonus rule. */
export const studyFor = (slug: string) => ({
  slug,
  title: 'Workbench',
  consent: 'ok',
  completionCode: 'W1',
  bonus: { perScorePoint: 0.25, max: 0.4 },
  conditions: [
    { name: 'chat', chat: true, systemPrompt: 'Be brief.' },
    { name: 'other', chat: true, systemPrompt: 'Be thorough.' },
  ],
  tasks: [
    {
      id: 'talk',
      title: 'Talk',
      chat: true,
      questions: [
        { id: 'q1', type: 'single_choice', text: 'Yes?', options: ['yes', 'no'], correct: 'yes' },
        { id: 'q2', type: 'single_choice', text: 'Sure?', options: ['yes', 'no'], correct: 'yes' },
        {
          id: 'attn',
          type: 'single_choice',
          text: 'Pick Blue',
          options: ['Red', 'Blue'],
          correct: 'Blue',
          attentionCheck: true,
        },
      ],
    },
  ],
});

export type Event = {
  studyParticipantChanged: { participationId: string; deleted: boolean; row: Record<string, any> | null };
};
export const about =
  (id: string, check: (row: Record<string, any>) => boolean = () => true) =>
  (e: Event) =>
    e.studyParticipantChanged.participationId === id &&
    !!e.studyParticipantChanged.row &&
    check(e.studyParticipantChanged.row);

export interface Workbench {
  fake: FakeModelServer;
  server: ServerProcess;
  researcher: string;
  socket: Socket;
  slug: string;
  asResearcher(query: string, variables?: Record<string, unknown>): ReturnType<typeof gql<Record<string, any>>>;
}

/** Registers before/after hooks: a server in `mode` with the fake model and the study `slug`, a researcher and their socket. */
export function useWorkbench(mode: ServerMode, slug: string): Workbench {
  const bench = { slug } as Workbench;
  before(async () => {
    bench.fake = await startFakeModelServer();
    const dir = await studiesDir({ 'bench.json': studyFor(slug) });
    bench.server = await startServer(testEnv(mode, { ...modelEnv(bench.fake), STUDIES_DIR: dir }));
    bench.researcher = await newResearcher(bench.server.url);
    bench.socket = connect(bench.server.wsUrl, bench.researcher);
    bench.asResearcher = (query, variables = {}) => gql(bench.server.url, query, variables, bench.researcher);
  });
  after(async () => {
    await bench.socket.client.dispose();
    await bench.server.stop();
    await bench.fake.close();
  });
  return bench;
}
