import type { Config } from '../config';
import { badInput } from '../errors';
import { allowedModel } from './allowed-models';
import { parseTurns, type StoredTurn } from './chat-input';
import type { SubmitChatInput } from './submit-chat.input';

/**
 * What a stateless submitChat job carries; bot replies read their conversation when they run, and so do
 * participants' calls (their turns are empty here: the worker builds them from the stored study turns).
 */
export interface StoredChatInput {
  turns: StoredTurn[];
  maxTokens: number;
  temperature?: number;
}

/** submitChat's model and input, checked against this server's limits (a refusal is a BAD_USER_INPUT error). */
export function validateSubmit(config: Config, input: SubmitChatInput): { model: string; stored: StoredChatInput } {
  const model = input.model?.trim() || config.GPT_VERSION;
  const refusal = allowedModel(config, model);
  if (refusal) {
    throw badInput(refusal, 'model');
  }
  if (model.length > 100) throw badInput('model is too long.', 'model');
  const maxTokens = input.maxTokens ?? config.GPT_TOKEN_LIMIT;
  if (!Number.isInteger(maxTokens) || maxTokens < 1 || maxTokens > config.GPT_TOKEN_LIMIT) {
    throw badInput(`maxTokens must be 1 to ${config.GPT_TOKEN_LIMIT}.`, 'maxTokens');
  }
  const turns = parseTurns(input.messages, {
    maxImageBytes: config.MAX_IMAGE_BYTES,
    maxImagesPerTurn: config.MAX_IMAGES_PER_TURN,
    maxImages: config.MAX_IMAGES_PER_REQUEST,
    maxTotalBytes: config.MAX_IMAGE_BYTES_PER_REQUEST,
    maxTurns: 200,
    maxChars: 200_000,
  });
  return { model, stored: { turns, maxTokens } };
}
