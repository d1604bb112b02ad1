import AxeBuilder from '@axe-core/playwright';
import { type APIRequestContext, type Browser, expect, type Page } from '@playwright/test';
import { logIn } from './helpers';

export const researcher = { username: 'researcher', password: 'researcher-pass' } as const;
export const MODEL_URL = `http://127.0.0.1:${process.env.E2E_MODEL_PORT ?? '4101'}`;
/** MODEL_PRICES of scripts/e2e-server.mjs, USD per million tokens. */
export const PRICE = { input: 2, output: 8 };

export const viewports = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;

/** A researcher's logged-in page at a given size, on the workbench of `slug`. */
export async function workbench(browser: Browser, size: keyof typeof viewports, slug: string): Promise<Page> {
  const context = await browser.newContext({ viewport: viewports[size] });
  const page = await context.newPage();
  await logIn(page, researcher);
  await page.goto(`/research?study=${slug}`);
  await expect(page.getByRole('heading', { level: 1, name: 'Research workbench' })).toBeVisible();
  return page;
}

/** No serious or critical axe violations on the page as it is. */
export async function expectAccessible(page: Page) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

/** A participant the test drives through the public API, as the participant page would. */
export class DrivenParticipant {
  token = '';
  readonly participantId = Array.from({ length: 24 }, () => Math.floor(Math.random() * 16).toString(16)).join('');

  constructor(
    private readonly request: APIRequestContext,
    readonly slug: string,
  ) {}

  async call<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const response = await this.request.post('/graphql', {
      headers: { 'content-type': 'application/json', ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
      data: { query, variables },
    });
    const body = await response.json();
    expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
    return body.data as T;
  }

  async open() {
    const secret = `secret-${this.participantId}`;
    const data = await this.call(
      'mutation($i: StartParticipationInput!) { startParticipation(input: $i) { id token } }',
      { i: { studySlug: this.slug, participantId: this.participantId, resumeSecret: secret } },
    );
    this.token = data.startParticipation.token;
  }

  async consent() {
    this.token = (await this.call('mutation { giveConsent { token } }')).giveConsent.token;
  }

  /** Sends a message to the model and waits for the reply; returns the job with its usage. */
  async chat(taskId: string, content: string) {
    const job = (
      await this.call('mutation($i: SubmitChatInput!) { submitChat(input: $i) { id } }', {
        i: { taskId, messages: [{ role: 'user', content }] },
      })
    ).submitChat;
    type Result = { state: string; text: string; usage: { prompt_tokens: number; completion_tokens: number } };
    const status = async () =>
      (
        await this.call<{ jobStatus: Result }>('query($id: ID!) { jobStatus(id: $id) { state text usage } }', {
          id: job.id,
        })
      ).jobStatus;
    await expect.poll(async () => (await status()).state).toBe('COMPLETED');
    return status();
  }

  answer(taskId: string, answers: Record<string, unknown>) {
    return this.call(
      'mutation($t: String!, $a: JSON!) { saveTaskAnswers(taskId: $t, answers: $a, complete: true) { currentTask } }',
      { t: taskId, a: answers },
    );
  }

  finish() {
    return this.call('mutation($i: SaveParticipationInput!) { saveParticipation(input: $i) { saved } }', {
      i: { studySlug: this.slug, participantId: this.participantId, data: {} },
    });
  }
}
