// The holdout: a stable share of a campaign's eligible audience that is not
// contacted, chosen by a hash of campaign and customer, so that every launch
// (a re-run too) and every backtest picks the same customers.
import { createHash } from 'node:crypto';

/** Basis points of the hash space: holdoutPercent 10 holds out the customers whose bucket is below 1,000. */
const BUCKETS = 10_000;

export function holdoutBucket(campaignId: string, customerId: string): number {
  return createHash('sha256').update(`${campaignId}\u0000${customerId}`).digest().readUInt32BE(0) % BUCKETS;
}

export function inHoldout(campaignId: string, customerId: string, holdoutPercent: number): boolean {
  return holdoutBucket(campaignId, customerId) < holdoutPercent * (BUCKETS / 100);
}
