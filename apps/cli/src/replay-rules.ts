// `crm replay --rules <file.json> [--as-of D] [--effective-from D] [--movers N]`:
// the what-if replay of a candidate tier rule set from a file, without
// publishing it: the same simulation as POST /tier-rule-sets/{id}/simulations.
import { readFileSync } from 'node:fs';
import type { SqlClient } from '@crm/database';
import { scanCustomerFacts } from '@crm/figures';
import type { EventStore } from '@crm/event-store';
import { AppConfig, isCalendarDate, shopDate } from '@crm/shared';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { PublishTierRuleSetDto, ruleSetOf, ruleSetProblem, simulateRuleSet, TierRuleSet } from '@crm/tiers';

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

/** The file holds the body of POST /tier-rule-sets (id and name optional here), checked by the same DTO as REST. */
function asRuleSet(raw: unknown): TierRuleSet {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new ReplayUsageError('the rules file must be a JSON object with "tiers": [{ "code", "threshold" }, ...]');
  const body = plainToInstance(PublishTierRuleSetDto, { id: 'candidate', name: 'candidate', ...raw });
  const errors = validateSync(body, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  if (errors.length > 0) {
    const messages = errors.flatMap(function flat(e): string[] {
      return [...Object.values(e.constraints ?? {}), ...(e.children ?? []).flatMap(flat)];
    });
    throw new ReplayUsageError(`the rules file is not a rule set: ${messages.join('; ')}`);
  }
  return ruleSetOf(body);
}

export async function replayRules(store: EventStore, sql: SqlClient, config: AppConfig, o: ReplayOptions) {
  const facts = { scan: (asOf: string, onBatch: Parameters<typeof scanCustomerFacts>[2]) => scanCustomerFacts(sql, asOf, onBatch) };
  return simulateRuleSet(store, facts, config, o.ruleSet, { asOf: o.asOf, effectiveFrom: o.effectiveFrom, moversLimit: o.movers });
}
