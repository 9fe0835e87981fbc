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
  private readonly unlisten: () => void;
  private readonly loop: Promise<void>;

  constructor(private readonly store: EventStore, private readonly options: SubscriptionOptions) {
    this.checkpointValue = options.after;
    this.unlisten = store.onAppended(() => this.wake?.());
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
      try {
        const page = await this.store.readAll({ after: this.checkpointValue, limit: batchSize });
        if (page.events.length > 0 && this.running) {
          await this.options.handle(page.events, page.checkpoint, this.checkpointValue);
          this.checkpointValue = page.checkpoint;
        }
        hasMore = page.hasMore;
      } catch (error) {
        this.options.onError?.(error);
      }
      if (!hasMore && this.running) await this.sleep(pollMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    this.unlisten();
    this.wake?.();
    await this.loop;
  }
}
