import type { Viewer } from '../context';
import type { Db } from '../db/client';
import { notFound } from '../errors';
import { parseId } from '../ids';
import type { ChatJobDto } from '../jobs/chat-job.dto';
import type { JobsService } from '../jobs/jobs.service';

/**
 * Asks a bot to answer again. `messageId` is one of the bot's replies to the viewer (stopped, finished or
 * not), or the viewer's own message to a bot: the new reply answers the viewer's message it followed.
 * Only the viewer's own conversations count: anything else is NOT_FOUND, like a made-up id.
 */
export async function regenerateReply(
  db: Db,
  jobs: JobsService,
  viewer: Viewer,
  messageId: string,
  requestId?: string,
): Promise<ChatJobDto> {
  const owner = { kind: 'user', userId: viewer.id, requestId } as const;
  const id = parseId(messageId, 'messageId');
  const message = await db.message.findUnique({
    where: { id },
    select: {
      id: true,
      seq: true,
      fromId: true,
      toId: true,
      from: { select: { isBot: true } },
      to: { select: { isBot: true } },
    },
  });
  const missing = () => notFound('No such reply.');
  if (!message) throw missing();
  if (message.fromId === viewer.id && message.to.isBot) return jobs.replyAgain(owner, message.toId, message.id);
  if (message.toId !== viewer.id || !message.from.isBot) throw missing();
  const trigger = await db.message.findFirst({
    where: { fromId: viewer.id, toId: message.fromId, seq: { lt: message.seq } },
    orderBy: { seq: 'desc' },
    select: { id: true },
  });
  if (!trigger) throw missing();
  return jobs.replyAgain(owner, message.fromId, trigger.id);
}
