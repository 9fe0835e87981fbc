// The rate limit's counts: a sliding-window counter per key (the previous
// fixed window weighted by how much of it still overlaps, plus the current
// one), constant work a request. @nestjs/throttler's own storage keeps one
// timestamp per request and filters them all on every request: at a few
// thousand requests a minute from one integration that is most of the guard.
import type { ThrottlerStorage } from '@nestjs/throttler';

interface Window {
  start: number;
  ttl: number;
  current: number;
  previous: number;
  blockedUntil: number;
}

const SWEEP_MS = 60_000;

export class WindowCounters implements ThrottlerStorage {
  private readonly windows = new Map<string, Window>();
  private readonly sweeper = setInterval(() => this.sweep(Date.now()), SWEEP_MS);

  constructor(private readonly now: () => number = Date.now) {
    this.sweeper.unref();
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string) {
    const now = this.now();
    const window = this.windowOf(`${throttlerName}:${key}`, ttl, now);
    const timeToExpire = Math.ceil((window.start + ttl - now) / 1000);
    if (window.blockedUntil > now) return { totalHits: limit + 1, timeToExpire, isBlocked: true, timeToBlockExpire: Math.ceil((window.blockedUntil - now) / 1000) };
    window.current += 1;
    const overlap = 1 - (now - window.start) / ttl;
    const totalHits = Math.floor(window.previous * overlap) + window.current;
    if (totalHits <= limit) return { totalHits, timeToExpire, isBlocked: false, timeToBlockExpire: 0 };
    window.current -= 1;
    window.blockedUntil = now + blockDuration;
    return { totalHits, timeToExpire, isBlocked: true, timeToBlockExpire: Math.ceil(blockDuration / 1000) };
  }

  private windowOf(id: string, ttl: number, now: number): Window {
    const start = now - (now % ttl);
    const window = this.windows.get(id);
    if (!window) {
      const made = { start, ttl, current: 0, previous: 0, blockedUntil: 0 };
      this.windows.set(id, made);
      return made;
    }
    if (window.start !== start) {
      window.previous = window.start === start - ttl ? window.current : 0;
      window.current = 0;
      window.start = start;
    }
    return window;
  }

  /** Forgets keys with nothing left to count and no block in force. */
  sweep(now: number): void {
    for (const [id, window] of this.windows) if (window.start + 2 * window.ttl <= now && window.blockedUntil <= now) this.windows.delete(id);
  }

  get size(): number {
    return this.windows.size;
  }
}
