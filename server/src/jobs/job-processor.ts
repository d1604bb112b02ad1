import type { Pool } from 'pg';
import type { BotRegistry } from '../bots/bot-registry';
import { callModel } from '../bots/model-call';
import { ModelCallError } from '../bots/model-errors';
import type { ChatService } from '../chat/chat.service';
import { toMessageDto } from '../chat/message.dto';
import type { Config } from '../config';
import { type Db, poolOf } from '../db/client';
import type { ChatJob } from '../generated/prisma/client';
import type { Logger } from '../logger';
import { metrics } from '../metrics/registry';
import { type JobRun, PermanentJobError } from '../queue';
import type { ParticipantChanges } from '../study/participant-changes';
import { isFinished, toJobDto } from './chat-job.dto';
import { finishPlain } from './finish-plain';
import { finishWithReply, type JobOutcome } from './finish-with-reply';
import { claimJob, saveText } from './job-sql';
import type { JobsService } from './jobs.service';
import { prepareCall } from './prepare-call';
import { jobFromQueue } from './queued-call';
import { StreamedText } from './streamed-text';

function countTokens(usage: unknown) {
  const { prompt_tokens: prompt, completion_tokens: completion } = (usage ?? {}) as Record<string, unknown>;
  if (typeof prompt === 'number' && prompt > 0) metrics.modelTokens.inc({ kind: 'prompt' }, prompt);
  if (typeof completion === 'number' && completion > 0) metrics.modelTokens.inc({ kind: 'completion' }, completion);
}

/**
 * Runs one attempt of a job in a worker: marks it ACTIVE, streams the model's answer to subscribers
 * (throttled), and stores the outcome. A bot's reply becomes a message in the same transaction that
 * completes the job, so a job retried after a crash can never post twice.
 */
export class JobProcessor {
  private readonly pool: Pool;

  constructor(
    private readonly db: Db,
    private readonly jobs: JobsService,
    private readonly chat: ChatService,
    private readonly bots: BotRegistry,
    private readonly config: Config,
    private readonly log: Logger,
    private readonly participantChanges: ParticipantChanges,
  ) {
    this.pool = poolOf(db);
  }

  readonly process = async (run: JobRun): Promise<void> => {
    const stream = new StreamedText(this.config.STREAM_THROTTLE_MS);
    const stopped = new AbortController();
    const signal = AbortSignal.any([run.signal, stopped.signal]);
    const sent: { turnIds?: string[] } = {};
    // The call starts from what the queue carried, while the row is claimed; nothing of it is saved or published
    // before the claim succeeds.
    const queued = jobFromQueue(run.jobId, run.call);
    const early = queued && this.call(queued, stream, signal, sent);
    early?.catch(() => undefined); // awaited below, or dropped with the claim
    // Claimed and read in one statement (UPDATE ... RETURNING); only a job that is gone or finished needs a read.
    const job = await claimJob(this.pool, run.jobId, run.attempt);
    if (!job) {
      stopped.abort();
      const gone = await this.db.chatJob.findUnique({ where: { id: run.jobId } });
      // E.g. canceled while its first worker was dying: make sure subscribers hear the end.
      if (gone && isFinished(gone.state)) await this.jobs.publish(toJobDto(gone));
      return;
    }
    const log = this.log.child({ jobId: job.id, requestId: job.requestId, attempt: run.attempt });
    const timer = metrics.jobDuration.startTimer();
    stream.start(
      {
        save: (text) => saveText(this.pool, job.id, text),
        publish: (text) =>
          this.jobs.publish({ ...toJobDto(job), state: 'ACTIVE', attempts: run.attempt, text, error: null }),
      },
      log,
    );

    try {
      const result = await (early ?? this.call(job, stream, signal, sent));
      await stream.stop();
      const sentTurnIds = sent.turnIds;
      await this.finish(job, { state: 'COMPLETED', text: result.text, usage: result.usage, sentTurnIds });
      timer({ outcome: 'completed' });
      countTokens(result.usage);
      log.info({ chars: result.text.length }, 'job completed');
    } catch (error) {
      await stream.stop();
      const { text } = stream;
      const sentTurnIds = sent.turnIds;
      if (run.signal.aborted) {
        // Canceled by its owner: keep what was said so far as the bot's (partial) reply.
        await this.finish(job, { state: 'CANCELED', text, sentTurnIds });
        timer({ outcome: 'canceled' });
        return;
      }
      const failure = error instanceof ModelCallError ? error : new ModelCallError('INTERNAL', 'The job failed.', true);
      if (!(error instanceof ModelCallError)) log.error({ err: error }, 'job crashed');
      const last = !failure.transient || run.attempt >= run.maxAttempts;
      log.warn({ code: failure.code, detail: failure.detail, last }, 'model call failed');
      timer({ outcome: last ? 'failed' : 'retried' });
      metrics.jobFailures.inc({ code: failure.code, last: String(last) });
      if (last) {
        await this.finish(job, { state: 'FAILED', text, error: failure, sentTurnIds });
        throw new PermanentJobError(failure.message);
      }
      // Back in the queue until the next attempt; the error says why.
      await this.db.chatJob.updateMany({
        where: { id: job.id, state: 'ACTIVE' },
        data: { state: 'QUEUED', errorCode: failure.code, errorMessage: failure.message },
      });
      await this.publishCurrent(job.id);
      throw failure;
    }
  };

  /** Prepares and makes the job's model call, its deltas into `stream`; `sent` gets the study turns it sends. */
  private async call(job: ChatJob, stream: StreamedText, signal: AbortSignal, sent: { turnIds?: string[] }) {
    const prepared = await prepareCall(this.db, this.bots, this.config, job);
    sent.turnIds = prepared.sentTurnIds;
    return callModel(prepared.bot, {
      turns: prepared.turns,
      model: job.model,
      maxTokens: prepared.maxTokens,
      temperature: prepared.temperature,
      signal,
      timeoutMs: this.config.MODEL_TIMEOUT_SECONDS * 1000,
      onDelta: stream.add,
      user: prepared.user,
    });
  }

  /** Records the outcome once; a bot's reply (full or partial) is stored as its message in the same transaction. */
  private async finish(job: ChatJob, outcome: JobOutcome) {
    if (!job.botId && !job.participationId) {
      // No message and no study turn to write: one statement instead of a transaction.
      const row = await finishPlain(this.pool, this.config.MODEL_PRICES, job, outcome);
      if (row) await this.jobs.publish(toJobDto(row));
      else await this.publishCurrent(job.id);
      return;
    }
    const done = await finishWithReply(this.db, this.config.MODEL_PRICES, job, outcome);
    // The updated row is the final state: published as it is, without reading it again.
    if (done) await this.jobs.publish(toJobDto(done.row));
    else await this.publishCurrent(job.id);
    if (done?.message) await this.chat.publish(toMessageDto(done.message));
    if (done && job.participationId) await this.participantChanges.changed(job.participationId);
  }

  private async publishCurrent(jobId: string) {
    const job = await this.db.chatJob.findUnique({ where: { id: jobId } });
    if (job) await this.jobs.publish(toJobDto(job));
  }
}
