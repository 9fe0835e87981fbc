// What-if: pick or compose a rule set, replay the whole history under it, read
// the migration matrix and the movers, then activate it (managers).
import { FormEvent, useEffect, useState } from 'react';
import { inTierOrder } from '../tier-order';
import { gql, Me, may } from '../api';
import { useTranslation } from 'react-i18next';
import { href } from '../router';
import { language, word } from '../i18n';
import { ErrorNote } from '../components/Error';
import type { MigrationCell, TierRuleSet, TierRuleSets, TierSimulation } from '../generated/graphql';
import { bodyOf, Draft, draftFrom, RuleSetForm } from '../components/RuleSetForm';
import { money } from '../entry-text';

type RuleSet = Pick<TierRuleSet, 'id' | 'name' | 'status' | 'tiers' | 'basis' | 'refundsCount' | 'downgrade'>;
/** The simulation with its matrix as rows: matrix[from][to] = customers. */
type Simulation = Omit<TierSimulation, 'matrix'> & { matrix: Record<string, Record<string, number>> };

const RULE_SETS = `{ ruleSets { inForce items { id name status tiers { code threshold minPurchases } basis { kind months } refundsCount
  downgrade { retentionMonths atAnniversary stepwise } } } }`;
const SIMULATION = `query ($id: String!, $asOf: String) { ruleSetSimulation(ruleSetId: $id, asOf: $asOf, movers: 200) {
  asOf customers unchanged upgraded downgraded across matrix { from to customers }
  movers { customerId customerRef from to direction basis basisBefore } moversTotal moversTruncated ruleSetId comparedWith effectiveFrom } }`;

const DRAFT_SIMULATION = `query ($ruleSet: JSON!, $asOf: String) { draftRuleSetSimulation(ruleSet: $ruleSet, asOf: $asOf, movers: 200) {
  asOf customers unchanged upgraded downgraded across matrix { from to customers }
  movers { customerId customerRef from to direction basis basisBefore } moversTotal moversTruncated ruleSetId comparedWith effectiveFrom } }`;

function asRows(cells: MigrationCell[]): Record<string, Record<string, number>> {
  const rows: Record<string, Record<string, number>> = {};
  for (const c of cells) (rows[c.from] ??= {})[c.to] = c.customers;
  return rows;
}

export function WhatIfPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const [ruleSets, setRuleSets] = useState<RuleSet[]>([]);
  const [chosen, setChosen] = useState('');
  const [draft, setDraft] = useState<Draft>();
  const [result, setResult] = useState<Simulation>();
  // A draft's replay is a trial: it cannot be activated (publish it first).
  const [ofDraft, setOfDraft] = useState(false);
  const [asOf, setAsOf] = useState(me.shop.today);
  const [error, setError] = useState('');
  const [note, setNote] = useState('');
  const [version, setVersion] = useState(0);

  useEffect(() => {
    gql<{ ruleSets: Pick<TierRuleSets, 'inForce'> & { items: RuleSet[] } }>(RULE_SETS)
      .then(({ ruleSets: tierRuleSets }) => {
        setRuleSets(tierRuleSets.items);
        // A draft starts as a copy of the rule set in force.
        const inForce = tierRuleSets.items.find((r) => r.id === tierRuleSets.inForce);
        if (!draft) setDraft(draftFrom(inForce, `draft-${me.shop.today}`, t('whatIf.draftName', { today: me.shop.today })));
      })
      .catch((e: Error) => setError(e.message));
  }, [version]);

  const run = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setResult(undefined);
    try {
      const { ruleSetSimulation } = await gql<{ ruleSetSimulation: TierSimulation }>(SIMULATION, {
        id: chosen,
        asOf: form.get('asOf') || undefined,
      });
      setResult({ ...ruleSetSimulation, matrix: asRows(ruleSetSimulation.matrix) });
      setOfDraft(false);
      setError('');
    } catch (err) {
      setError((err as Error).message);
    }
  };

  const simulateDraft = async () => {
    setResult(undefined);
    try {
      if (!draft) return;
      const { draftRuleSetSimulation } = await gql<{ draftRuleSetSimulation: TierSimulation }>(DRAFT_SIMULATION, { ruleSet: bodyOf(draft), asOf: asOf || undefined });
      setResult({ ...draftRuleSetSimulation, matrix: asRows(draftRuleSetSimulation.matrix) });
      setOfDraft(true);
      setError('');
    } catch (err) {
      setError((err as Error).message);
    }
  };

  const publish = async () => {
    try {
      if (!draft) return;
      const input = bodyOf(draft);
      await gql('mutation ($input: JSON!) { publishTierRuleSet(input: $input) { id } }', { input });
      setNote(t('whatIf.published', { id: input.id }));
      setChosen(String(input.id));
      setError('');
      setVersion((v) => v + 1);
    } catch (err) {
      setError((err as Error).message);
    }
  };

  const activate = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const effectiveFrom = String(new FormData(e.currentTarget).get('effectiveFrom')) || undefined;
    try {
      await gql('mutation ($id: String!, $from: String) { activateTierRuleSet(ruleSetId: $id, effectiveFrom: $from) { position } }', { id: chosen, from: effectiveFrom });
      setNote(t('whatIf.activated', { id: chosen, from: effectiveFrom ?? me.shop.today }));
      setError('');
      setVersion((v) => v + 1);
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <>
      <h1>{t('whatIf.title')}</h1>
      <ErrorNote error={error} />
      {note && <p role="status">{note}</p>}
      <form className="filters" onSubmit={run}>
        <label>
          {t('whatIf.ruleSet')}
          <select value={chosen} onChange={(e) => setChosen(e.target.value)} required>
            <option value="">{t('whatIf.choose')}</option>
            {ruleSets.map((r) => (
              <option key={r.id} value={r.id}>
                {r.id}: {r.name} ({word('ruleSetStatus', r.status)})
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('whatIf.compareAsOf')}
          <input type="date" name="asOf" value={asOf} onChange={(e) => setAsOf(e.target.value)} />
        </label>
        <button type="submit">{t('whatIf.run')}</button>
      </form>
      {may(me, 'ruleSets.publish') && (
        <details>
          <summary>{t('whatIf.compose')}</summary>
          {draft && (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                void simulateDraft();
              }}
            >
              <RuleSetForm draft={draft} onChange={setDraft} />
              <div className="filters">
                <button type="submit">{t('whatIf.simulateDraft')}</button>
                <button type="button" onClick={(e) => e.currentTarget.form?.reportValidity() && void publish()}>
                  {t('whatIf.publish')}
                </button>
              </div>
              <details>
                <summary>{t('whatIf.body')}</summary>
                <pre>{JSON.stringify(bodyOf(draft), null, 2)}</pre>
              </details>
            </form>
          )}
        </details>
      )}
      {result && <SimulationView result={result} order={tierOrder(ruleSets, chosen)} currency={me.shop.currency} />}
      {result && !ofDraft && may(me, 'ruleSets.activate') && (
        <form className="filters" onSubmit={activate} aria-label={t('whatIf.activate')}>
          <label>
            {t('whatIf.effectiveFrom')}
            <input type="date" name="effectiveFrom" defaultValue={me.shop.today} />
          </label>
          <button type="submit">{t('whatIf.activateThis', { id: chosen })}</button>
        </form>
      )}
    </>
  );
}

/** The candidate's tiers, then those of the other rule sets (the one in force among them), each by threshold. */
function tierOrder(ruleSets: readonly RuleSet[], chosen: string): string[] {
  const byThreshold = (r: RuleSet) => [...r.tiers].sort((a, b) => Number(a.threshold) - Number(b.threshold)).map((t) => t.code);
  const candidate = ruleSets.find((r) => r.id === chosen);
  return [...new Set([...(candidate ? byThreshold(candidate) : []), ...ruleSets.flatMap(byThreshold)])];
}

function SimulationView({ result, order, currency }: { result: Simulation; order: readonly string[]; currency: string }) {
  const from = inTierOrder(Object.keys(result.matrix), order);
  const to = inTierOrder([...new Set(Object.values(result.matrix).flatMap((row) => Object.keys(row)))], order);
  const max = Math.max(1, ...Object.values(result.matrix).flatMap((row) => Object.values(row)));
  const { t } = useTranslation();
  return (
    <section aria-labelledby="result-title">
      <h2 id="result-title">{t('whatIf.asOf', { asOf: result.asOf })}</h2>
      <p>{t('whatIf.summary', { customers: result.customers, up: result.upgraded, down: result.downgraded, across: result.across, unchanged: result.unchanged })}</p>
      <table className="matrix">
        <caption>{t('whatIf.matrix')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('whatIf.corner')}</th>
            {to.map((t) => (
              <th scope="col" key={t}>
                {t}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {from.map((f) => (
            <tr key={f}>
              <th scope="row">{f}</th>
              {to.map((t) => {
                const n = result.matrix[f][t] ?? 0;
                const share = n / max;
                return (
                  <td key={t} data-cell={`${f}-${t}`} className="num" style={{ background: `rgba(29, 78, 216, ${share * 0.85})`, color: share > 0.5 ? '#fff' : '#111' }}>
                    {n}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <h3>{t('whatIf.movers', { shown: result.movers.length, total: result.moversTotal })}</h3>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('common.customer')}</th>
            <th scope="col">{t('whatIf.from')}</th>
            <th scope="col">{t('whatIf.to')}</th>
            <th scope="col">{t('whatIf.direction')}</th>
            <th scope="col" className="num">
              {t('whatIf.basisNow')}
            </th>
            <th scope="col" className="num">
              {t('whatIf.basisCandidate')}
            </th>
          </tr>
        </thead>
        <tbody>
          {result.movers.map((m) => (
            <tr key={m.customerId}>
              <td>
                <a href={href(`customers/${m.customerId}`)}>{m.customerRef ?? m.customerId.slice(0, 8)}</a>
              </td>
              <td>{m.from}</td>
              <td>{m.to}</td>
              <td>{word('direction', m.direction)}</td>
              <td className="num">{money(m.basisBefore, currency, language())}</td>
              <td className="num">{money(m.basis, currency, language())}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
