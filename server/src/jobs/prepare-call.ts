import type { BotConfig } from '../bots/bot-config';
import type { BotRegistry } from '../bots/bot-registry';
import { ModelCallError } from '../bots/model-errors';
import type { Config } from '../config';
import type { Db } from '../db/client';
import type { ChatJob } from '../generated/prisma/client';
import { modelHistory } from '../study/chat-history';
import type { StoredTurn } from './chat-input';
import type { StoredChatInput } from './jobs.service';

/** What one attempt sends to the model: the endpoint, the turns as the server stored them, and the limits. */
export interface Prepared {
  bot: BotConfig;
  turns: StoredTurn[];
  /** A participant's call: the stored study turns it is sent. */
  sentTurnIds?: string[];
  maxTokens: number;
  temperature?: number;
  user?: { id: string; username: string };
}

/** Reads what the job's model call needs: a bot's conversation so far, a study's stored turns, or submitChat's own. */
export async function prepareCall(db: Db, bots: BotRegistry, config: Config, job: ChatJob): Promise<Prepared> {
  if (!job.botId) {
    const input = job.input as unknown as StoredChatInput;
    const bot = defaultModel(config);
    if (!bot)
      throw new ModelCallError('BOT_UNAVAILABLE', 'No model is configured on this server (OPENAI_API_KEY).', false);
    // A participant's history is what the study stored, never what their browser sent.
    const history = job.participationId ? await modelHistory(db, job.id) : { turns: input.turns };
    if (!history) throw new ModelCallError('INTERNAL', 'The message of this call is gone.', false);
    return { bot, ...history, maxTokens: input.maxTokens, temperature: input.temperature };
  }
  const bot = bots.get(job.botId);
  if (!bot) throw new ModelCallError('BOT_UNAVAILABLE', 'This bot is not configured on the server any more.', false);
  const userId = job.userId;
  if (!userId) throw new ModelCallError('BOT_UNAVAILABLE', 'Bots answer users only.', false);
  const user = await db.user.findUniqueOrThrow({
    where: { id: userId },
    select: { id: true, username: true },
  });
  const trigger = job.triggerMessageId
    ? await db.message.findUnique({ where: { id: job.triggerMessageId }, select: { seq: true } })
    : null;
  const history = await db.message.findMany({
    where: {
      OR: [
        { fromId: userId, toId: job.botId },
        { fromId: job.botId, toId: userId },
      ],
      ...(trigger ? { seq: { lte: trigger.seq } } : {}),
    },
    orderBy: { seq: 'desc' },
    take: 200,
    select: { fromId: true, body: true },
  });
  // The most recent turns that fit the budget, oldest first.
  const turns: StoredTurn[] = [];
  let budget = config.CHAT_HISTORY_CHARS;
  for (const message of history) {
    if (message.body.length > budget && turns.length > 0) break;
    budget -= message.body.length;
    turns.unshift({ role: message.fromId === job.botId ? 'assistant' : 'user', content: message.body, images: [] });
  }
  if (bot.systemPrompt) turns.unshift({ role: 'system', content: bot.systemPrompt, images: [] });
  const maxTokens = bot.kind === 'openai' ? (bot.maxTokens ?? config.GPT_TOKEN_LIMIT) : config.GPT_TOKEN_LIMIT;
  return { bot, turns, maxTokens, temperature: bot.kind === 'openai' ? bot.temperature : undefined, user };
}

/** submitChat's endpoint: OPENAI_BASE_URL with OPENAI_API_KEY. */
function defaultModel(config: Config): BotConfig | undefined {
  const { OPENAI_API_KEY: apiKey, OPENAI_BASE_URL: baseUrl, GPT_VERSION: model } = config;
  return apiKey ? { kind: 'openai', name: 'default', model, baseUrl, apiKey } : undefined;
}
