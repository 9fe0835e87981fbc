// A catch-up subscription built on readAll: reads pages from a checkpoint
// until caught up, then waits for an in-process append or the poll interval
// (appends from other processes). The handler runs one batch at a time; the
// checkpoint only moves after it succeeds, so a failed batch is redelivered.
import { EventStore, RecordedEvent } from './event-store';

export interface SubscriptionOptions {
  /** Deliver events after this position (exclusive). */
  after: number;
  batchSize?: number;
  pollIntervalMs?: number;
  /** Called with each batch; the subscription's checkpoint moves to the batch's last position when it resolves. */
  handle: (events: RecordedEvent[], checkpoint: number, from: number) => Promise<void>;
  /** Called when a batch fails; the subscription retries after the poll interval. */
  onError?: (error: unknown) => void;
}

export class CatchUpSubscription {
  private checkpointValue: number;
  private running = true;
  private wake: (() => void) | undefined;
  /** An append was announced while a batch was being read or handled: do not sleep after it. */
  private appendedMeanwhile = false;
  private readonly unlisten: () => void;
  private readonly loop: Promise<void>;

  constructor(private readonly store: EventStore, private readonly options: SubscriptionOptions) {
    this.checkpointValue = options.after;
    this.unlisten = store.onAppended(() => {
      if (this.wake) this.wake();
      else this.appendedMeanwhile = true;
    });
    this.loop = this.run();
  }

  get checkpoint(): number {
    return this.checkpointValue;
  }

  /** Continue from another checkpoint (someone else moved it, e.g. a rebuild swapped in). */
  resetTo(checkpoint: number): void {
    this.checkpointValue = checkpoint;
  }

  private async run(): Promise<void> {
    const batchSize = this.options.batchSize ?? 500;
    const pollMs = this.options.pollIntervalMs ?? 100;
    while (this.running) {
      let hasMore = false;
      let failed = false;
      this.appendedMeanwhile = false;
      try {
        const page = await this.store.readAll({ after: this.checkpointValue, limit: batchSize });
        if (page.events.length > 0 && this.running) {
          await this.options.handle(page.events, page.checkpoint, this.checkpointValue);
          this.checkpointValue = page.checkpoint;
        }
        hasMore = page.hasMore;
      } catch (error) {
        failed = true;
        this.options.onError?.(error);
      }
      // Caught up: wait for an append (here) or the poll interval (other processes); a failure always waits.
      if (this.running && (failed || (!hasMore && !this.appendedMeanwhile))) await this.sleep(pollMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    this.unlisten();
    this.wake?.();
    await this.loop;
  }
}
