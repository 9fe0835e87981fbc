// An open-loop write load with read-your-writes, shared by bench:visibility
// and bench:shop-check: purchases sent at a fixed rate whatever the answers
// take, each followed, once answered, by GET /customers/{id}?waitFor=<its
// position> (or /customers/{id}/tier?waitFor=, a read of a read model). Write: sent -> 2xx; visible: 2xx -> the read answers.
import { percentile, request } from './bench-support';

export interface LoadTarget {
  base: string;
  headers: Record<string, string>;
  customers: readonly string[];
}

export interface LoadOptions {
  rate: number;
  seconds: number;
  /** Distinguishes the order ids of rounds (negative: a warm-up). */
  round: number;
  /** Read without ?waitFor= (the read alone, an anchor). */
  noWait?: boolean;
  /** What is read back: the customer (answered from their stream) or their tier (the tier read model, so the wait is for its projector's batch). */
  read?: 'customer' | 'tier';
  log?: (...a: unknown[]) => void;
}

export const summary = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? 0 };
};

/** One round: `rate` purchases a second for `seconds`, open loop; each answered write is read back with its waitFor. */
export async function openLoop(target: LoadTarget, o: LoadOptions) {
  const { base, headers, customers } = target;
  const log = o.log ?? (() => undefined);
  const total = o.rate * o.seconds;
  const writes: number[] = [];
  const visible: number[] = [];
  let stale = 0;
  let failed = 0;
  const started = performance.now();
  const one = async (i: number) => {
    const customer = customers[i % customers.length];
    const t0 = performance.now();
    const res = await request(`${base}/customers/${customer}/purchases`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ orderId: `${o.round < 0 ? `WARM${-o.round}` : `R${o.round}`}-${i}`, occurredAt: new Date().toISOString(), amount: '129.00', currency: 'CNY' }),
    });
    const t1 = performance.now();
    if (res.status !== 201) {
      if (failed++ === 0) log(`write answered ${res.status}`, JSON.stringify(res.json()));
      return;
    }
    writes.push(t1 - t0);
    const { position } = res.json() as { position: number };
    const read = await request(`${base}/customers/${customer}${o.read === 'tier' ? '/tier' : ''}${o.noWait ? '' : `?waitFor=${position}`}`, { headers });
    if (read.status !== 200) {
      if (failed++ === 0) log(`read answered ${read.status}`);
      return;
    }
    if (read.headers['x-data-stale']) stale++;
    visible.push(performance.now() - t1);
  };
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / o.rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(one(i).catch(() => void failed++));
  }
  await Promise.all(pending);
  const seconds = (performance.now() - started) / 1000;
  const round1 = (v: number) => Math.round(v * 10) / 10;
  const shape = (s: ReturnType<typeof summary>) => ({ n: s.n, p50: round1(s.p50), p90: round1(s.p90), p99: round1(s.p99), max: round1(s.max) });
  return { writes: shape(summary(writes)), visible: shape(summary(visible)), stale, failed, achievedPerSec: Math.round(total / seconds) };
}
