import OpenAI from 'openai';
import type { ChatCompletionContentPart, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { StoredTurn } from '../jobs/chat-input';
import type { BotConfig, HttpBotConfig, OpenAiBotConfig } from './bot-config';
import { classifyModelError, fromStatus, ModelCallError } from './model-errors';

export interface ModelRequest {
  turns: StoredTurn[];
  model: string;
  maxTokens: number;
  temperature?: number;
  signal: AbortSignal;
  timeoutMs: number;
  /** Called with each piece of text as it arrives. */
  onDelta(delta: string): void;
  /** For http bots: who is asking. */
  user?: { id: string; username: string };
}

export interface ModelResult {
  text: string;
  usage: unknown;
}

const clients = new Map<string, OpenAI>();

function openAiClient(bot: OpenAiBotConfig): OpenAI {
  const key = `${bot.baseUrl ?? ''}|${bot.apiKey}`;
  let client = clients.get(key);
  if (!client) {
    // Retries belong to the queue (with backoff and a visible attempt count), not to the client.
    client = new OpenAI({ apiKey: bot.apiKey, baseURL: bot.baseUrl, maxRetries: 0 });
    clients.set(key, client);
  }
  return client;
}

function toOpenAiMessages(turns: StoredTurn[]): ChatCompletionMessageParam[] {
  return turns.map((turn): ChatCompletionMessageParam => {
    if (turn.role !== 'user' || turn.images.length === 0) return { role: turn.role, content: turn.content };
    const parts: ChatCompletionContentPart[] = [
      { type: 'text', text: turn.content },
      ...turn.images.map((url): ChatCompletionContentPart => ({ type: 'image_url', image_url: { url } })),
    ];
    return { role: 'user', content: parts };
  });
}

async function callOpenAi(bot: OpenAiBotConfig, request: ModelRequest): Promise<ModelResult> {
  // A stream that goes quiet for the whole timeout is as dead as one that never starts.
  const idle = new AbortController();
  let timer = setTimeout(() => idle.abort(), request.timeoutMs);
  const stillAlive = () => {
    clearTimeout(timer);
    timer = setTimeout(() => idle.abort(), request.timeoutMs);
  };
  try {
    const stream = await openAiClient(bot).chat.completions.create(
      {
        model: request.model,
        messages: toOpenAiMessages(request.turns),
        max_tokens: request.maxTokens,
        ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
        stream: true,
        stream_options: { include_usage: true },
      },
      { signal: AbortSignal.any([request.signal, idle.signal]), timeout: request.timeoutMs },
    );
    let text = '';
    let usage: unknown = null;
    let finished = false;
    for await (const chunk of stream) {
      stillAlive();
      const choice = chunk.choices[0];
      if (choice?.delta?.content) {
        text += choice.delta.content;
        request.onDelta(choice.delta.content);
      }
      if (choice?.finish_reason) finished = true;
      if (chunk.usage) usage = chunk.usage;
    }
    // The SDK ends a stream quietly when it is aborted: tell a timeout, a cancel and a cut-off apart.
    if (request.signal.aborted) throw new Error('canceled');
    if (idle.signal.aborted) throw new ModelCallError('MODEL_TIMEOUT', 'The model stopped answering.', true);
    if (!finished) throw new ModelCallError('MODEL_UNAVAILABLE', "The model's answer was cut off.", true);
    return { text, usage };
  } catch (error) {
    if (idle.signal.aborted && !request.signal.aborted) {
      throw new ModelCallError('MODEL_TIMEOUT', 'The model stopped answering.', true);
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

async function callHttpBot(bot: HttpBotConfig, request: ModelRequest): Promise<ModelResult> {
  const last = [...request.turns].reverse().find((t) => t.role === 'user');
  const response = await fetch(bot.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      message: last?.content ?? '',
      conversation: request.turns.map(({ role, content }) => ({ role, content })),
      user: request.user,
    }),
    signal: AbortSignal.any([request.signal, AbortSignal.timeout(request.timeoutMs)]),
  });
  if (!response.ok) throw fromStatus(response.status, await response.text().catch(() => ''));
  const body = (await response.json().catch(() => null)) as { reply?: unknown; text?: unknown } | null;
  const text = typeof body?.reply === 'string' ? body.reply : typeof body?.text === 'string' ? body.text : null;
  if (text === null) throw new ModelCallError('MODEL_REJECTED', 'The bot answered without a "reply" string.', false);
  request.onDelta(text);
  return { text, usage: null };
}

/** One call to a bot's model, streamed through `onDelta`; failures come out as ModelCallError. */
export async function callModel(bot: BotConfig, request: ModelRequest): Promise<ModelResult> {
  try {
    return bot.kind === 'openai' ? await callOpenAi(bot, request) : await callHttpBot(bot, request);
  } catch (error) {
    if (request.signal.aborted) throw error;
    throw classifyModelError(error);
  }
}

/** Whether the bot's endpoint answers: the model list for OpenAI-compatible servers, healthUrl for http bots. */
export async function checkBotHealth(bot: BotConfig): Promise<string | null> {
  try {
    if (bot.kind === 'openai') {
      await openAiClient(bot).models.list({ timeout: 5000 });
      return null;
    }
    if (!bot.healthUrl) return null;
    const res = await fetch(bot.healthUrl, { signal: AbortSignal.timeout(5000) });
    return res.ok ? null : `health check answered ${res.status}`;
  } catch (error) {
    return classifyModelError(error).message;
  }
}
