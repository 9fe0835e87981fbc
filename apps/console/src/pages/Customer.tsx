// One customer as of a date: profile, tier and its history, lifecycle, RFM,
// complaints with their SLA, care contacts, and the live audit timeline.
import { useCallback, useEffect, useState } from 'react';
import { gql, Me, may } from '../api';
import { useTranslation } from 'react-i18next';
import { go } from '../router';
import { language, t, word } from '../i18n';
import { money } from '../entry-text';
import { instant } from '../format';
import { ErrorNote } from '../components/Error';
import { TierChange, TierChart } from '../components/TierChart';
import type { Customer, Lifecycle, RfmScore, Tier } from '../generated/graphql';
import { Timeline } from '../components/Timeline';
import { Complaints } from '../components/Complaints';
import { ContactForm } from '../components/ContactForm';

/** What the page's query selects of the schema's Customer (generated types). */
type CustomerData = Pick<Customer, 'id' | 'customerRef' | 'details' | 'personalDataErased' | 'tags' | 'consents' | 'netSpend' | 'purchaseCount' | 'registeredAt'> & {
  tier: Pick<Tier, 'tier' | 'basis' | 'reason' | 'ruleSetId' | 'basisRule' | 'purchaseCount' | 'basisTier' | 'downgradeDue'>;
  tierChanges: TierChange[];
  lifecycle: Pick<Lifecycle, 'lifecycle' | 'windowMonths' | 'purchasesInWindow' | 'lastPurchaseOn'>;
  rfmScore: Pick<RfmScore, 'scored' | 'reason' | 'r' | 'f' | 'm' | 'segment'> | null;
};

const CUSTOMER = `query ($id: ID!, $asOf: String, $waitFor: Float) {
  customer(id: $id, asOf: $asOf, waitFor: $waitFor) {
    id customerRef personalDataErased tags netSpend purchaseCount registeredAt
    details { name gender birthDate phone email region { province city } shippingAddress nickname creditLevel channel }
    consents { sms email phone wechat }
    tier { tier basis reason ruleSetId basisRule { kind months } purchaseCount basisTier downgradeDue }
    tierChanges { date from to direction ruleSetId basis reason cause { kind type eventId position occurredAt ruleSetId reason } }
    lifecycle { lifecycle windowMonths purchasesInWindow lastPurchaseOn }
    rfmScore { scored reason r f m segment }
  }
}`;

const PERSONAL = ['name', 'nickname', 'phone', 'email', 'birthDate', 'shippingAddress'];

export function CustomerPage({ me, id, query }: { me: Me; id: string; query: URLSearchParams }) {
  const { t } = useTranslation();
  const asOf = query.get('asOf') || me.shop.today;
  const [customer, setCustomer] = useState<CustomerData>();
  const [error, setError] = useState('');
  const [version, setVersion] = useState(0);
  // The position of this page's last write: every read after it waits for the
  // projections to have applied it, or it would show the state before.
  const [written, setWritten] = useState<number>();
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  const wrote = useCallback((position: number) => setWritten((p) => Math.max(p ?? 0, position)), []);

  useEffect(() => {
    gql<{ customer: CustomerData }>(CUSTOMER, { id, asOf, waitFor: written })
      .then((d) => {
        setCustomer(d.customer);
        setError('');
      })
      .catch((e: Error) => setError(e.message));
  }, [id, asOf, version, written]);

  if (!customer) return error ? <ErrorNote error={error} /> : <p>{t('app.loading')}</p>;
  const profile: Record<string, unknown> = { ...(customer.details ?? {}) };
  return (
    <article aria-labelledby="customer-title">
      <header className="page-head">
        <h1 id="customer-title">
          {customer.customerRef ?? id} {customer.personalDataErased ? <em>{t('customer.erasedTitle')}</em> : String(profile.name ?? '')}
        </h1>
        <label className="as-of">
          {t('common.asOf')}
          <input type="date" value={asOf} max="9999-12-31" onChange={(e) => e.target.value && go(`customers/${id}`, { asOf: e.target.value })} />
        </label>
      </header>
      <ErrorNote error={error} />
      <div className="cards">
        <section className="card" aria-labelledby="profile-title">
          <h2 id="profile-title">{t('customer.profile')}</h2>
          <dl>
            {PERSONAL.map((field) => (
              <div key={field}>
                <dt>{t(`customer.field.${field}`)}</dt>
                <dd>{customer.personalDataErased ? <em>{t('customer.erased')}</em> : formatValue(profile[field])}</dd>
              </div>
            ))}
            <div>
              <dt>{t('customer.field.region')}</dt>
              <dd>{formatValue(profile.region)}</dd>
            </div>
            <div>
              <dt>{t('customer.field.registered')}</dt>
              <dd>{instant(customer.registeredAt)}</dd>
            </div>
            <div>
              <dt>{t('customer.field.tags')}</dt>
              <dd>{customer.tags.join(', ') || '-'}</dd>
            </div>
            <div>
              <dt>{t('customer.field.consent')}</dt>
              <dd>
                {Object.entries(customer.consents ?? {})
                  .filter(([, yes]) => yes !== null && yes !== undefined)
                  .map(([channel, yes]) => `${word('channel', channel)}: ${yes ? t('customer.yes') : t('customer.no')}`)
                  .join(', ') || '-'}
              </dd>
            </div>
          </dl>
        </section>
        <section className="card" aria-labelledby="standing-title">
          <h2 id="standing-title">{t('customer.standing', { asOf })}</h2>
          <dl>
            <div>
              <dt>{t('customer.tier')}</dt>
              <dd data-testid="tier">{customer.tier.tier ?? t('customer.prospect')}</dd>
            </div>
            <div>
              <dt>{t('customer.why')}</dt>
              <dd>
                {tierWhy(customer.tier, asOf, me.shop.currency)}
                <small className="detail" lang="en">
                  {customer.tier.reason}
                </small>
              </dd>
            </div>
            <div>
              <dt>{t('customer.lifecycle')}</dt>
              <dd data-testid="lifecycle">{word('lifecycle', customer.lifecycle.lifecycle)}</dd>
            </div>
            <div>
              <dt>{t('customer.window')}</dt>
              <dd>
                {t('customer.windowText', {
                  count: customer.lifecycle.purchasesInWindow,
                  months: customer.lifecycle.windowMonths,
                  last: customer.lifecycle.lastPurchaseOn ?? '-',
                })}
              </dd>
            </div>
            <div>
              <dt>{t('customer.netSpend')}</dt>
              <dd>{t('customer.netSpendText', { amount: money(customer.netSpend, me.shop.currency, language()), count: customer.purchaseCount })}</dd>
            </div>
            <div>
              <dt>{t('customer.rfm')}</dt>
              <dd data-testid="rfm">{customer.rfmScore ? rfmText(customer.rfmScore) : '-'}</dd>
            </div>
          </dl>
        </section>
      </div>
      <section aria-labelledby="tier-title">
        <h2 id="tier-title">{t('customer.tierHistory')}</h2>
        <TierChart changes={customer.tierChanges} asOf={asOf} currency={me.shop.currency} />
      </section>
      <Complaints me={me} customerId={id} asOf={asOf} written={written} onWrote={wrote} />
      {may(me, 'contacts.log') && <ContactForm customerId={id} onWrote={wrote} />}
      <Timeline customerId={id} asOf={asOf} written={written} onLive={reload} />
    </article>
  );
}

function formatValue(value: unknown): string {
  if (value === undefined || value === null || value === '') return '-';
  if (typeof value === 'object')
    return Object.values(value as Record<string, unknown>)
      .filter(Boolean)
      .join(' ');
  return String(value);
}

/** Why the customer holds their tier, in the reader's words, from the answer's figures (the server's own sentence is English). */
function tierWhy(tier: CustomerData['tier'], asOf: string, currency: string): string {
  if (tier.tier === null) return t('customer.whyNone', { asOf, ruleSet: tier.ruleSetId });
  const basis = tier.basisRule.kind === 'rollingMonths' ? t('customer.basisRolling', { count: tier.basisRule.months ?? 0 }) : t('customer.basisLifetime');
  const why = t('customer.whyText', { basis, amount: money(tier.basis, currency, language()), count: tier.purchaseCount, tier: tier.tier, ruleSet: tier.ruleSetId });
  return tier.downgradeDue ? `${why} ${t('customer.whyKept', { due: tier.downgradeDue, tier: tier.basisTier ?? '-' })}` : why;
}

function rfmText(rfm: NonNullable<CustomerData['rfmScore']>): string {
  if (!rfm.scored) return t('customer.rfmNotScored');
  return `R ${rfm.r ?? '-'} · F ${rfm.f ?? '-'} · M ${rfm.m ?? '-'} · ${word('segment', rfm.segment)}`;
}
