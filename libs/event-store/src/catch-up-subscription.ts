// A catch-up subscription built on readAll: reads pages from a checkpoint
// until caught up, then waits for an append (in-process, or announced by
// another process through poke()) or, as a safety net, the poll interval.
// The handler runs one batch at a time; the checkpoint only moves after it
// succeeds, so a failed batch is redelivered.
import { EventStore, RecordedEvent } from './event-store';
import type { Partition } from './partition';

export interface SubscriptionOptions {
  /** Deliver events after this position (exclusive). */
  after: number;
  batchSize?: number;
  pollIntervalMs?: number;
  /** Only this partition's streams (the store filters them). */
  partition?: Partition;
  /** Called with each batch; the subscription's checkpoint moves to the batch's last position when it resolves. */
  handle: (events: RecordedEvent[], checkpoint: number, from: number) => Promise<void>;
  /** Called after the checkpoint moved (the batch was handled): waits on it can look again. */
  moved?: (checkpoint: number) => void;
  /** Called when a batch fails, with the number of failures in a row; the subscription retries with backoff. */
  onError?: (error: unknown, failures: number) => void;
  /** Longest wait between retries of a failing batch (doubling from the poll interval). Default 30 s. */
  maxRetryDelayMs?: number;
}

export class CatchUpSubscription {
  private checkpointValue: number;
  private running = true;
  private wake: (() => void) | undefined;
  private stopSleep: (() => void) | undefined;
  /** An append was announced while a batch was being read or handled: do not sleep after it. */
  private appendedMeanwhile = false;
  private readonly unlisten: () => void;
  private readonly loop: Promise<void>;

  constructor(
    private readonly store: EventStore,
    private readonly options: SubscriptionOptions,
  ) {
    this.checkpointValue = options.after;
    this.unlisten = store.onAppended(() => this.poke());
    this.loop = this.run();
  }

  get checkpoint(): number {
    return this.checkpointValue;
  }

  /** Events were appended (here or, as announced, in another process): read now rather than at the next poll. */
  poke(): void {
    if (this.wake) this.wake();
    else this.appendedMeanwhile = true;
  }

  /** Retry now: ends a wait, a failing batch's backoff included (the store answers again). */
  retryNow(): void {
    this.stopSleep?.();
  }

  /** Continue from another checkpoint (someone else moved it, e.g. a rebuild swapped in). */
  resetTo(checkpoint: number): void {
    this.checkpointValue = checkpoint;
  }

  private async run(): Promise<void> {
    const batchSize = this.options.batchSize ?? 500;
    const pollMs = this.options.pollIntervalMs ?? 100;
    let failures = 0;
    while (this.running) {
      let hasMore = false;
      let failed = false;
      this.appendedMeanwhile = false;
      try {
        const page = await this.store.readAll({ after: this.checkpointValue, limit: batchSize, partition: this.options.partition });
        // A partition's page can move past other streams' events without any of its own (EventStoreDB): record that too.
        if ((page.events.length > 0 || page.checkpoint !== this.checkpointValue) && this.running) {
          await this.options.handle(page.events, page.checkpoint, this.checkpointValue);
          this.checkpointValue = page.checkpoint;
          this.options.moved?.(page.checkpoint);
        }
        hasMore = page.hasMore;
        failures = 0;
      } catch (error) {
        failed = true;
        failures++;
        this.options.onError?.(error, failures);
      }
      // A failing batch is retried after a doubling delay, so a poisoned one does not spin.
      const retryDelay = Math.min(this.options.maxRetryDelayMs ?? 30_000, pollMs * 2 ** Math.min(failures, 20));
      // Caught up: wait for an append (here) or the poll interval (other processes); a failure always waits.
      if (this.running && failed) await this.sleep(retryDelay, false);
      else if (this.running && !hasMore && !this.appendedMeanwhile) await this.sleep(pollMs);
    }
  }

  /** @param wakeOnAppend false while backing off: new events do not cure a failing batch. */
  private sleep(ms: number, wakeOnAppend = true): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        this.stopSleep = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.stopSleep = done;
      if (wakeOnAppend) this.wake = done;
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    this.unlisten();
    this.stopSleep?.();
    await this.loop;
  }
}
