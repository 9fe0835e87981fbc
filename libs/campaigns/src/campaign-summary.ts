// Contacted against holdout: response rates, the lift between them in
// percentage points and the incremental net spend (the contacted's net spend
// less what the holdout's per-customer spend predicts for as many), overall
// and by the contact-policy stage at the send. Money in minor units until the
// edge; rates carry their numerator and denominator.
import { divideMinor, formatAmount, MARKETING_STAGES } from '@crm/shared';
import type { GroupResponse } from './campaign-results.query';

interface Side {
  customers: number;
  responders: number;
  netSpendMinor: number;
}

const rate = (numerator: number, denominator: number) => ({ numerator, denominator, rate: denominator === 0 ? null : Math.round((numerator / denominator) * 10_000) / 10_000 });

function sideOf(groups: readonly GroupResponse[], group: string, stage?: string): Side {
  const side: Side = { customers: 0, responders: 0, netSpendMinor: 0 };
  for (const g of groups) {
    if (g.group !== group || (stage !== undefined && g.stage !== stage)) continue;
    side.customers += g.customers;
    side.responders += g.responders;
    side.netSpendMinor += g.netSpendMinor;
  }
  return side;
}

function compare(contacted: Side, holdout: Side, currency: string) {
  const money = (minor: number) => formatAmount(minor, currency);
  const shown = (s: Side) => ({ customers: s.customers, responders: s.responders, responseRate: rate(s.responders, s.customers), netSpend: money(s.netSpendMinor) });
  const measurable = contacted.customers > 0 && holdout.customers > 0;
  // Percentage points to two decimals, from the exact fractions.
  const lift = measurable
    ? Math.round(((contacted.responders * holdout.customers - holdout.responders * contacted.customers) / (contacted.customers * holdout.customers)) * 10_000) / 100
    : null;
  const expected = measurable ? divideMinor(holdout.netSpendMinor * contacted.customers, holdout.customers) : 0;
  return {
    contacted: shown(contacted),
    holdout: shown(holdout),
    liftPercentagePoints: lift,
    incrementalNetSpend: measurable ? money(contacted.netSpendMinor - expected) : null,
  };
}

export function summarize(groups: readonly GroupResponse[], currency: string) {
  const byStage = Object.fromEntries(MARKETING_STAGES.map((stage) => [stage, compare(sideOf(groups, 'contacted', stage), sideOf(groups, 'held_out', stage), currency)]));
  return {
    ...compare(sideOf(groups, 'contacted'), sideOf(groups, 'held_out'), currency),
    byStage,
    /** Sleeping customers contacted who responded (docs/domain.md wake-up rate); lost ones: reactivation. */
    wakeUpRate: byStage.SLEEPING.contacted.responseRate,
    reactivationRate: byStage.LOST.contacted.responseRate,
  };
}
