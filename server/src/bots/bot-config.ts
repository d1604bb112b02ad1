import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Config } from '../config';
import { StartupError } from '../errors';

const common = {
  name: z
    .string()
    .min(3)
    .max(32)
    .regex(/^[a-zA-Z0-9_.-]+$/, 'letters, digits and . _ - only'),
  systemPrompt: z.string().max(20_000).optional(),
};

const openaiBot = z.object({
  ...common,
  kind: z.literal('openai'),
  baseUrl: z.string().url().optional(),
  model: z.string().min(1),
  /** The name of the environment variable holding the key (never the key itself). */
  apiKeyEnv: z.string().optional(),
  maxTokens: z.number().int().min(1).max(1_000_000).optional(),
  temperature: z.number().min(0).max(2).optional(),
});

const httpBot = z.object({
  ...common,
  kind: z.literal('http'),
  url: z.string().url(),
  healthUrl: z.string().url().optional(),
});

const botFile = z.array(z.discriminatedUnion('kind', [openaiBot, httpBot]));

export type OpenAiBotConfig = z.infer<typeof openaiBot> & { apiKey: string };
export type HttpBotConfig = z.infer<typeof httpBot>;
export type BotConfig = OpenAiBotConfig | HttpBotConfig;

export class BotConfigError extends StartupError {}

/** The built-in bot's name: kept free for it even while OPENAI_API_KEY is unset. */
export const CHATGPT_BOT_NAME = 'ChatGPT';

/** Names nobody may register, in any case, so that enabling a bot later never finds its name taken. */
export const isReservedName = (username: string) => username.trim().toLowerCase() === CHATGPT_BOT_NAME.toLowerCase();

/** ChatGPT when OPENAI_API_KEY is set, plus BOTS_FILE's entries; a bad file stops start-up naming the field. */
export function loadBotConfigs(config: Config, env: NodeJS.ProcessEnv = process.env): BotConfig[] {
  const bots: BotConfig[] = [];
  if (config.OPENAI_API_KEY) {
    bots.push({
      kind: 'openai',
      name: CHATGPT_BOT_NAME,
      model: config.GPT_VERSION,
      baseUrl: config.OPENAI_BASE_URL,
      apiKey: config.OPENAI_API_KEY,
      maxTokens: config.GPT_TOKEN_LIMIT,
    });
  }
  if (!config.BOTS_FILE) return bots;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(config.BOTS_FILE, 'utf8'));
  } catch (error) {
    throw new BotConfigError(`BOTS_FILE ${config.BOTS_FILE}: ${error instanceof Error ? error.message : error}`);
  }
  const parsed = botFile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BotConfigError(`BOTS_FILE ${config.BOTS_FILE}: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  for (const bot of parsed.data) {
    if (bots.some((b) => b.name.toLowerCase() === bot.name.toLowerCase())) {
      throw new BotConfigError(`BOTS_FILE ${config.BOTS_FILE}: the bot name ${bot.name} is used twice`);
    }
    if (bot.kind === 'http') {
      bots.push(bot);
      continue;
    }
    const apiKey = bot.apiKeyEnv ? env[bot.apiKeyEnv] : 'none';
    if (!apiKey) throw new BotConfigError(`BOTS_FILE ${config.BOTS_FILE}: ${bot.name}: ${bot.apiKeyEnv} is not set`);
    bots.push({ ...bot, apiKey });
  }
  return bots;
}
