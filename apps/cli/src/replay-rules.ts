// `crm replay --rules <file.json> [--as-of D] [--effective-from D] [--movers N]`:
// the what-if replay of a candidate tier rule set from a file, without
// publishing it: the same simulation as POST /tier-rule-sets/{id}/simulations.
import { readFileSync } from 'node:fs';
import type { SqlClient } from '@crm/database';
import { scanCustomerFacts } from '@crm/customers';
import type { EventStore } from '@crm/event-store';
import { AppConfig, isCalendarDate, shopDate } from '@crm/shared';
import { loadRuleSchedule, ruleSetProblem, RuleSchedule, TierRuleSet, TierSimulation } from '@crm/tiers';

export class ReplayUsageError extends Error {}

export interface ReplayOptions {
  ruleSet: TierRuleSet;
  asOf: string;
  effectiveFrom?: string;
  movers: number;
}

const USAGE = 'usage: crm replay --rules <file.json> [--as-of D] [--effective-from D] [--movers N]';

export function parseReplayArgs(args: string[], config: AppConfig, read: (file: string) => string = (f) => readFileSync(f, 'utf8')): ReplayOptions {
  const values: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 2) {
    if (!['--rules', '--as-of', '--effective-from', '--movers'].includes(args[i])) throw new ReplayUsageError(`unknown option ${args[i]}; ${USAGE}`);
    if (args[i + 1] === undefined) throw new ReplayUsageError(`${args[i]} needs a value`);
    values[args[i]] = args[i + 1];
  }
  if (!values['--rules']) throw new ReplayUsageError(USAGE);
  let raw: unknown;
  try {
    raw = JSON.parse(read(values['--rules']));
  } catch (error) {
    throw new ReplayUsageError(`cannot read rules from ${values['--rules']}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const ruleSet = asRuleSet(raw);
  const problem = ruleSetProblem(ruleSet, config.shopCurrency);
  if (problem) throw new ReplayUsageError(`the rule set is not sound: ${problem}`);
  const asOf = values['--as-of'] ?? shopDate(new Date(), config.shopTimezone);
  for (const [flag, date] of [
    ['--as-of', asOf],
    ['--effective-from', values['--effective-from']],
  ] as const) {
    if (date !== undefined && !isCalendarDate(date)) throw new ReplayUsageError(`${flag} must be a calendar date YYYY-MM-DD, got ${date}`);
  }
  const movers = Number(values['--movers'] ?? 100);
  if (!Number.isInteger(movers) || movers < 0 || movers > 1_000_000) throw new ReplayUsageError('--movers must be a whole number 0-1000000');
  return { ruleSet, asOf, effectiveFrom: values['--effective-from'], movers };
}

/** The file holds the body of POST /tier-rule-sets (id optional here). */
function asRuleSet(raw: unknown): TierRuleSet {
  const r = raw as Partial<TierRuleSet> & { basis?: { kind?: string; months?: number } };
  if (typeof r !== 'object' || r === null || !Array.isArray(r.tiers))
    throw new ReplayUsageError('the rules file must be a JSON object with "tiers": [{ "code", "threshold" }, ...]');
  for (const t of r.tiers) {
    if (typeof t?.code !== 'string' || typeof t?.threshold !== 'string') throw new ReplayUsageError('each tier needs a "code" and a "threshold" decimal string');
  }
  const basis =
    r.basis?.kind === 'rollingMonths' && Number.isInteger(r.basis.months) && (r.basis.months as number) > 0
      ? { kind: 'rollingMonths' as const, months: r.basis.months as number }
      : { kind: 'lifetime' as const };
  if (r.basis !== undefined && r.basis.kind !== 'lifetime' && basis.kind === 'lifetime')
    throw new ReplayUsageError('"basis" must be { "kind": "lifetime" } or { "kind": "rollingMonths", "months": N }');
  return {
    id: typeof r.id === 'string' ? r.id : 'candidate',
    name: typeof r.name === 'string' ? r.name : 'candidate',
    tiers: r.tiers,
    basis,
    refundsCount: r.refundsCount ?? true,
    ...(r.downgrade ? { downgrade: r.downgrade } : {}),
  };
}

export async function replayRules(store: EventStore, sql: SqlClient, config: AppConfig, o: ReplayOptions) {
  const current = await loadRuleSchedule(store);
  const candidate: RuleSchedule =
    o.effectiveFrom === undefined ? [{ ruleSet: o.ruleSet, effectiveFrom: '' }] : [...current, { ruleSet: o.ruleSet, effectiveFrom: o.effectiveFrom }];
  const simulation = new TierSimulation(current, candidate, o.asOf, config.shopCurrency, o.movers);
  await scanCustomerFacts(sql, o.asOf, (batch) => simulation.add(batch));
  return { ruleSetId: o.ruleSet.id, effectiveFrom: o.effectiveFrom ?? null, ...simulation.answer() };
}
