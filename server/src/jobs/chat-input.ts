import { AppError, badInput } from '../errors';
import { type CheckedImage, decodeImages, type ImageLimits } from './chat-images';
import type { ChatTurnInput } from './submit-chat.input';

/** A conversation turn as stored with a job and sent to the model. */
export interface StoredTurn {
  role: 'system' | 'user' | 'assistant';
  content: string;
  images: string[];
}

export interface ChatLimits extends ImageLimits {
  maxImagesPerTurn: number;
  maxTurns: number;
  maxChars: number;
}

const roles = new Set(['system', 'user', 'assistant']);

/** Checks turns from a client: roles, sizes, and images whose bytes really are images of their type. */
export function parseTurns(turns: ChatTurnInput[], limits: ChatLimits): StoredTurn[] {
  if (turns.length === 0) throw badInput('messages must not be empty.', 'messages');
  if (turns.length > limits.maxTurns) throw badInput(`At most ${limits.maxTurns} messages.`, 'messages');
  let chars = 0;
  const parsed = turns.map((turn, i) => {
    if (!roles.has(turn.role)) throw badInput(`messages[${i}].role must be system, user or assistant.`, 'messages');
    chars += turn.content.length;
    const images = turn.images ?? [];
    if (images.length > limits.maxImagesPerTurn) {
      throw badInput(`messages[${i}] has more than ${limits.maxImagesPerTurn} images.`, 'messages');
    }
    if (images.length && turn.role !== 'user')
      throw badInput(`messages[${i}]: only user turns carry images.`, 'messages');
    return { role: turn.role as StoredTurn['role'], content: turn.content, images };
  });
  if (chars > limits.maxChars)
    throw badInput(`The messages are longer than ${limits.maxChars} characters in all.`, 'messages');
  if (!parsed.some((t) => t.role === 'user')) throw badInput('messages need at least one user turn.', 'messages');
  decodeImages(
    parsed.flatMap((t) => t.images),
    limits,
  );
  return parsed;
}

/** A participant's new message: the server holds the rest of the conversation. */
export interface NewMessage {
  text: string;
  images: CheckedImage[];
}

/**
 * A participant sends exactly one user turn. Any other turn (system, assistant, an earlier user turn) is
 * refused: the model's history is built from the turns the server stored, so a forged one cannot reach it.
 */
export function parseNewMessage(turns: ChatTurnInput[], limits: ImageLimits & { maxChars: number }): NewMessage {
  if (turns.some((t) => t.role !== 'user')) {
    throw new AppError('FORBIDDEN', 'The server keeps the conversation: send only your new message.', {
      reason: 'HISTORY_FROM_SERVER',
    });
  }
  const [turn] = turns;
  if (!turn || turns.length > 1) {
    throw new AppError('BAD_USER_INPUT', 'Send exactly one message: the server keeps the conversation.', {
      reason: 'ONE_MESSAGE',
      field: 'messages',
    });
  }
  if (turn.content.length > limits.maxChars)
    throw badInput(`A message is at most ${limits.maxChars} characters.`, 'messages');
  const images = decodeImages(turn.images ?? [], limits);
  if (!turn.content.trim() && images.length === 0) throw badInput('The message is empty.', 'messages');
  return { text: turn.content, images };
}
