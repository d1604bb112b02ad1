import { randomUUID } from 'node:crypto';
import type { Config } from '../config';
import type { Db } from '../db/client';
import { AppError, badInput, notFound } from '../errors';
import type { Participation, Prisma } from '../generated/prisma/client';
import { type NewMessage, parseNewMessage } from '../jobs/chat-input';
import { type ChatJobDto, toJobDto } from '../jobs/chat-job.dto';
import type { JobsService, StoredChatInput } from '../jobs/jobs.service';
import type { SubmitChatInput } from '../jobs/submit-chat.input';
import { imageUrls, taskTurns } from './chat-history';
import type { ParticipantViewer } from './participant-tokens';
import { inactiveReason, refuse as refuseInactive } from './participation-rules';
import type { StudyCatalog } from './study-catalog';
import type { StudyTask } from './study-definition';
import { estimatePromptTokens, promptSoFar, reserveTokens, settleTokens } from './token-budget';

/** What a participant's model call gets: the condition decides, never the participant. */
export interface ParticipantChatSettings {
  model: string;
  systemPrompt: string;
  temperature: number | undefined;
  maxTokens: number;
  task: StudyTask;
}

/** A stored turn as the participant's chat shows it. */
export interface ChatTurnView {
  id: string;
  taskId: string;
  role: string;
  text: string;
  outcome: string | null;
  jobId: string | null;
  images: string[];
}

const refuse = (message: string, reason: string) => new AppError('FORBIDDEN', message, { reason });

/**
 * The participant's model chat. A participant sends only their new message; the server stores it with its
 * images and builds the model's history from the stored turns. The checks, the turn limit, the token budget
 * and the writes of the turn and its job happen in one transaction that locks the participation; the job is
 * queued after it commits.
 */
export class ParticipantChatService {
  constructor(
    private readonly db: Db,
    private readonly catalog: StudyCatalog,
    private readonly jobs: JobsService,
    private readonly config: Config,
  ) {}

  async submit(viewer: ParticipantViewer, input: SubmitChatInput, requestId?: string): Promise<ChatJobDto> {
    const message = parseNewMessage(input.messages, {
      maxChars: this.config.MAX_MESSAGE_CHARS,
      maxImageBytes: this.config.MAX_IMAGE_BYTES,
      maxImages: Math.min(this.config.MAX_IMAGES_PER_TURN, this.config.MAX_IMAGES_PER_REQUEST),
      maxTotalBytes: this.config.MAX_IMAGE_BYTES_PER_REQUEST,
    });
    const taskId = input.taskId;
    if (!taskId) throw badInput('taskId is required for a participant.', 'taskId');
    const job = await this.db
      .$transaction(
        async (tx) => {
          await tx.$queryRaw`SELECT 1 FROM "Participation" WHERE id = ${viewer.participationId}::uuid FOR UPDATE`;
          const p = await tx.participation.findUnique({ where: { id: viewer.participationId } });
          if (!p) throw notFound('This participation no longer exists.');
          const settings = await this.chatSettings(p, taskId, input);
          return this.store(tx, p, settings, message, requestId);
        },
        // 40 messages at once queue on the row lock, each for a few milliseconds.
        { maxWait: 15_000, timeout: 20_000 },
      )
      .catch((error: unknown) => {
        // Prisma's "could not start or finish the transaction in time": the database is overloaded.
        if ((error as { code?: unknown }).code === 'P2028')
          throw new AppError('SERVICE_UNAVAILABLE', 'The server is busy. Please try again.');
        throw error;
      });
    try {
      await this.jobs.enqueue(job);
    } catch {
      // Never sent: the message is taken back, so the export holds only what the model saw.
      await this.db.studyTurn.deleteMany({ where: { jobId: job.id, role: 'user' } });
      await settleTokens(this.db, job.id, 0, false);
      throw new AppError('SERVICE_UNAVAILABLE', 'The assistant is unavailable right now. Please try again.');
    }
    return toJobDto(job);
  }

  /** What submitChat may do for this participant in this task, or FORBIDDEN with a reason. */
  async chatSettings(
    p: Participation,
    taskId: string,
    asked: Pick<SubmitChatInput, 'model' | 'maxTokens'>,
  ): Promise<ParticipantChatSettings> {
    const study = this.catalog.get(p.studySlug);
    if (!study) throw notFound(`There is no study ${p.studySlug}.`);
    // The lifecycle's rule (consent, not ended, within time plus grace), under the participation's lock.
    const inactive = inactiveReason(study, p);
    if (inactive) throw refuseInactive(inactive);
    const condition = study.conditions.find((c) => c.name === p.condition);
    if (!condition?.chat) throw refuse('The model chat is not part of your condition.', 'NO_CHAT');
    const taskOrder = p.taskOrder as string[];
    if (!taskOrder.includes(taskId)) throw badInput('There is no such task in this study.', 'taskId');
    if (taskOrder[p.currentTask] !== taskId)
      throw refuse('You can chat only in your current task.', 'NOT_CURRENT_TASK');
    const task = study.tasks.find((t) => t.id === taskId);
    if (!task?.chat) throw refuse('This task has no chat.', 'NO_CHAT');
    const model = condition.model ?? this.config.GPT_VERSION;
    const maxTokens = Math.min(condition.maxTokens ?? this.config.GPT_TOKEN_LIMIT, this.config.GPT_TOKEN_LIMIT);
    if (asked.model && asked.model !== model) throw refuse('The study decides the model.', 'CONDITION_DECIDES');
    if (asked.maxTokens != null && asked.maxTokens !== maxTokens)
      throw refuse('The study decides the token limit.', 'CONDITION_DECIDES');
    return { model, systemPrompt: condition.systemPrompt, temperature: condition.temperature, maxTokens, task };
  }

  /** Counts the task's messages, reserves the budget, and writes the job and the turn with its images. */
  private async store(
    tx: Prisma.TransactionClient,
    p: Participation,
    settings: ParticipantChatSettings,
    message: NewMessage,
    requestId: string | undefined,
  ) {
    const { task } = settings;
    const used = await tx.studyTurn.count({ where: { participationId: p.id, taskId: task.id, role: 'user' } });
    if (used >= task.turnLimit) throw refuse(`This task allows ${task.turnLimit} messages.`, 'TURN_LIMIT');
    // CHAT_MAX_CONCURRENT and CHAT_RATE_PER_MINUTE, counted in this transaction like a user's calls.
    await this.jobs.admitIn(tx, { kind: 'participant', participationId: p.id });
    const jobId = randomUUID();
    const before = await promptSoFar(tx, p.id, task.id);
    const prompt = estimatePromptTokens({
      bytes: before.bytes + Buffer.byteLength(settings.systemPrompt) + Buffer.byteLength(message.text),
      messages: before.messages + 2,
      images: before.images + message.images.length,
    });
    await reserveTokens(tx, this.catalog.get(p.studySlug)?.tokenBudget, {
      jobId,
      studySlug: p.studySlug,
      participationId: p.id,
      tokens: settings.maxTokens + prompt,
    });
    // The history is not stored with the job: the worker builds it from the stored turns.
    const input: StoredChatInput = {
      turns: [],
      maxTokens: settings.maxTokens,
      ...(settings.temperature !== undefined ? { temperature: settings.temperature } : {}),
    };
    const job = await tx.chatJob.create({
      data: {
        id: jobId,
        participationId: p.id,
        taskId: task.id,
        model: settings.model,
        input: input as unknown as Prisma.InputJsonValue,
        requestId: requestId ?? null,
      },
    });
    await tx.studyTurn.create({
      data: {
        participationId: p.id,
        taskId: task.id,
        role: 'user',
        text: message.text,
        images: message.images.length,
        jobId,
        systemPrompt: settings.systemPrompt || null,
        imageFiles: {
          create: message.images.map((image, position) => ({
            position,
            mime: image.mime,
            bytes: new Uint8Array(image.bytes),
          })),
        },
      },
    });
    return job;
  }

  /** The chat of one task so far, as the participant saw it (to resume it). */
  async turns(participationId: string, taskId: string): Promise<ChatTurnView[]> {
    const turns = await taskTurns(this.db, participationId, taskId);
    return turns.map((t) => ({
      id: t.id,
      taskId: t.taskId,
      role: t.role,
      text: t.text,
      outcome: t.outcome,
      jobId: t.jobId,
      images: imageUrls(t),
    }));
  }
}
