import type { Logger } from '../logger';

/**
 * Runs `fn` in `ms`, or when due at the end of this turn of the event loop: deltas that arrive together (a fast
 * model's whole answer) then go out as one save and publish, or none when the answer ends in the same turn.
 */
function later(fn: () => void, ms: number): () => void {
  if (ms > 0) {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  }
  const immediate = setImmediate(fn);
  return () => clearImmediate(immediate);
}

export interface TextSink {
  /** Stores the text so far (transient; the final text is stored with the outcome). */
  save(text: string): Promise<void>;
  /** Tells subscribers the job is ACTIVE with this text. */
  publish(text: string): Promise<void>;
}

/**
 * The text so far of a running job. Deltas are kept from the first; once `start`ed (the job is claimed), the text
 * is saved, then published, at most every `throttleMs`: a subscriber that arrives after a publish reads at least
 * that text in its first event (jobStatus too), and one that arrived before receives the publish. While one save
 * is under way, the next flushes fold into one save of the latest text. ACTIVE goes out with the first text, or
 * alone once `throttleMs` passed without any: the whole answer of a fast model is then one event, not two.
 */
export class StreamedText {
  text = '';
  private sink: TextSink | undefined;
  private log: Logger | undefined;
  /** The claim stored the empty text. */
  private saved = '';
  private lastPublished = 0;
  private saving = Promise.resolve();
  /** Cancels the scheduled flush. */
  private pending: (() => void) | undefined;
  /** The scheduled flush carries text (not only the ACTIVE state). */
  private pendingText = false;
  private inFlight = false;
  private behind = false;

  constructor(private readonly throttleMs: number) {}

  readonly add = (delta: string) => {
    this.text += delta;
    if (this.sink) this.scheduleText();
  };

  /** From now on (the job is claimed) the text goes out; `log` is the job's, for a failed save or publish. */
  start(sink: TextSink, log: Logger) {
    this.sink = sink;
    this.log = log;
    if (this.text) this.scheduleText();
    else this.pending = later(this.flush, this.throttleMs);
  }

  /** No more flushes; resolves once the one under way is done. */
  async stop(): Promise<void> {
    this.pending?.();
    this.pending = undefined;
    this.sink = undefined;
    await this.saving;
  }

  private scheduleText() {
    if (this.pendingText) return;
    this.pending?.();
    this.pendingText = true;
    this.pending = later(this.flush, this.throttleMs - (Date.now() - this.lastPublished));
  }

  private readonly flush = () => {
    this.pending = undefined;
    this.pendingText = false;
    this.lastPublished = Date.now();
    if (this.inFlight) this.behind = true;
    else this.saving = this.pump();
  };

  private async pump() {
    this.inFlight = true;
    try {
      do {
        this.behind = false;
        const sink = this.sink;
        if (!sink) return;
        const snapshot = this.text;
        if (snapshot !== this.saved) await sink.save(snapshot);
        this.saved = snapshot;
        await sink.publish(snapshot);
      } while (this.behind);
    } catch (err) {
      this.log?.warn({ err }, 'could not save or publish the text so far');
    } finally {
      this.inFlight = false;
    }
  }
}
