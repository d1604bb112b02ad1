import type { Config } from '../config';
import type { StoredChatInput } from '../jobs/jobs.service';
import { estimatePromptTokens } from '../study/token-budget';

/**
 * What a user's call holds against their daily token quota until it ends: its reply's maxTokens and its
 * prompt (estimated from the turns; a bot reply reads up to CHAT_HISTORY_CHARS of the conversation).
 */
export function reservationFor(config: Config, input: Partial<StoredChatInput>): number {
  const maxTokens = input.maxTokens ?? config.GPT_TOKEN_LIMIT;
  if (!input.turns) {
    return maxTokens + estimatePromptTokens({ bytes: config.CHAT_HISTORY_CHARS, messages: 1, images: 0 });
  }
  const bytes = input.turns.reduce((sum, t) => sum + Buffer.byteLength(t.content), 0);
  const images = input.turns.reduce((sum, t) => sum + t.images.length, 0);
  return maxTokens + estimatePromptTokens({ bytes, messages: input.turns.length, images });
}
