import type { FakeModelServer } from './fake-model-server';
import { gql } from './graphql-client';

export const JOB_FIELDS = 'id state text attempts model usage replyMessageId error { code message }';

export interface Job {
  id: string;
  state: 'QUEUED' | 'ACTIVE' | 'COMPLETED' | 'FAILED' | 'CANCELED';
  text: string;
  attempts: number;
  model: string;
  usage: unknown;
  replyMessageId: string | null;
  error: { code: string; message: string } | null;
}

/** Settings that put "ChatGPT" (and submitChat) on the loopback model server, with quick retries. */
export function modelEnv(fake: FakeModelServer, extra: Record<string, string> = {}): Record<string, string> {
  return {
    OPENAI_API_KEY: 'test-key',
    OPENAI_BASE_URL: fake.baseUrl,
    GPT_VERSION: 'test-model',
    JOB_BACKOFF_MS: '100',
    BOT_HEALTH_INTERVAL_SECONDS: '1',
    CHAT_RATE_PER_MINUTE: '1000',
    CHAT_MAX_CONCURRENT: '20',
    ...extra,
  };
}

export async function submitChat(url: string, token: string, input: Record<string, unknown>) {
  return gql<{ submitChat: Job }>(
    url,
    `mutation($input: SubmitChatInput!) { submitChat(input: $input) { ${JOB_FIELDS} } }`,
    { input },
    token,
  );
}

export async function jobStatus(url: string, token: string, id: string) {
  return gql<{ jobStatus: Job }>(url, `query($id: ID!) { jobStatus(id: $id) { ${JOB_FIELDS} } }`, { id }, token);
}

/** Polls jobStatus until the predicate holds (the way a client without WebSocket would follow a job). */
export async function waitForJob(
  url: string,
  token: string,
  id: string,
  until: (job: Job) => boolean,
  timeoutMs = 20_000,
): Promise<Job> {
  const deadline = Date.now() + timeoutMs;
  let last: Job | undefined;
  while (Date.now() < deadline) {
    const res = await jobStatus(url, token, id);
    last = res.data?.jobStatus;
    if (last && until(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`job ${id} did not get there in ${timeoutMs} ms; last seen ${JSON.stringify(last)}`);
}

export const finished = (job: Job) => job.state === 'COMPLETED' || job.state === 'FAILED' || job.state === 'CANCELED';

export async function botId(url: string, token: string, name = 'ChatGPT'): Promise<string> {
  const res = await gql<{ contacts: { id: string; username: string }[] }>(
    url,
    'query($name: String!) { contacts(search: $name) { id username } }',
    { name },
    token,
  );
  const bot = res.data?.contacts.find((c) => c.username === name);
  if (!bot) throw new Error(`no contact ${name}: ${JSON.stringify(res)}`);
  return bot.id;
}
