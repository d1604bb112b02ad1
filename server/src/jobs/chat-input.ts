import { badInput } from '../errors';
import type { ChatTurnInput } from './submit-chat.input';

/** A conversation turn as stored with a job and sent to the model. */
export interface StoredTurn {
  role: 'system' | 'user' | 'assistant';
  content: string;
  images: string[];
}

export interface ChatLimits {
  maxImageBytes: number;
  maxImagesPerTurn: number;
  maxTurns: number;
  maxChars: number;
}

const roles = new Set(['system', 'user', 'assistant']);
const dataUrl = /^data:(image\/(?:png|jpeg|webp|gif));base64,([A-Za-z0-9+/]+={0,2})$/;

/** Checks turns from a client: roles, sizes, and images that really are small images of an allowed type. */
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
    for (const image of images) {
      const match = dataUrl.exec(image);
      if (!match?.[2])
        throw badInput(`messages[${i}]: images must be base64 data URLs of PNG, JPEG, WebP or GIF.`, 'messages');
      const bytes =
        Math.floor((match[2].length * 3) / 4) - (match[2].endsWith('==') ? 2 : match[2].endsWith('=') ? 1 : 0);
      if (bytes > limits.maxImageBytes) {
        throw badInput(`messages[${i}]: an image is larger than ${limits.maxImageBytes} bytes.`, 'messages');
      }
    }
    return { role: turn.role as StoredTurn['role'], content: turn.content, images };
  });
  if (chars > limits.maxChars)
    throw badInput(`The messages are longer than ${limits.maxChars} characters in all.`, 'messages');
  if (!parsed.some((t) => t.role === 'user')) throw badInput('messages need at least one user turn.', 'messages');
  return parsed;
}
