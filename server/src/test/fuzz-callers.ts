import type { Known } from './fuzz-values';
import { gql, register } from './graphql-client';
import { uniqueName } from './server-process';
import { consented } from './study-client';

export type CallerKind = 'anonymous' | 'user' | 'admin' | 'researcher' | 'participant';
export type Callers = Record<CallerKind, string | undefined>;

async function login(url: string, username: string, password: string): Promise<{ token: string; id: string }> {
  const res = await gql<{ login: { token: string; user: { id: string } } }>(
    url,
    'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token user { id } } }',
    { u: username, p: password },
  );
  if (!res.data) throw new Error(`login ${username}: ${JSON.stringify(res.errors)}`);
  return { token: res.data.login.token, id: res.data.login.user.id };
}

/**
 * Every kind of caller (the demo users from prisma/seed-users.json, a new user, a participant of the
 * demo study), and real ids for the fuzz to use: users, a message, a job, a participation.
 */
export async function setUpCallers(url: string): Promise<{ callers: Callers; known: Known }> {
  const user = await register(url, uniqueName('fuzz'));
  const admin = await login(url, 'admin', 'admin-password');
  const researcher = await login(url, 'researcher', 'researcher-pass');
  const alice = await login(url, 'alice', 'wonderland');
  // A participant who consented: the token from consent acts as them.
  const participant = await consented(url, 'demo');
  const message = await gql<{ sendMessage: { id: string } }>(
    url,
    'mutation($to: ID!) { sendMessage(toUserId: $to, body: "hello from the fuzz") { id } }',
    { to: alice.id },
    user.token,
  );
  const job = await gql<{ submitChat: { id: string } }>(
    url,
    'mutation { submitChat(input: { messages: [{ role: "user", content: "hi" }] }) { id } }',
    {},
    user.token,
  );
  const ids = [user.user.id, admin.id, researcher.id, alice.id, participant.id];
  if (message.data) ids.push(message.data.sendMessage.id);
  if (job.data) ids.push(job.data.submitChat.id);
  return {
    callers: {
      anonymous: undefined,
      user: user.token,
      admin: admin.token,
      researcher: researcher.token,
      participant: participant.token,
    },
    known: { ids, slugs: ['demo', 'no-such-study', ''], taskIds: ['reasoning', 'questionnaire', 'nope'] },
  };
}
