// Service figures per agent and priority, the stickiness metrics with sales by tier, region and
// category, and the RFM segments, as of a chosen date, as charts with their tables.
import { useEffect, useMemo, useState } from 'react';
import { gql, Me } from '../api';
import { ChartView } from '../components/Chart';
import { useTranslation } from 'react-i18next';
import { bars } from '../charts';
import { language, t as translate, word } from '../i18n';
import { oneDecimal, percent } from '../format';
import { ErrorNote } from '../components/Error';
import { RfmSegments } from '../components/RfmSegments';
import type { Rate, ServiceFigures, Stickiness } from '../generated/graphql';
import { money } from '../entry-text';

const FIGURE = `complaints responded resolved breaches firstResponseSeconds { median } satisfaction { mean } reopenRate { rate }`;
const RATE = `numerator denominator rate`;
// Each part shown when it answers: the service figures are quick, stickiness reads the period's purchases.
const SERVICE = `query ($from: String, $to: String) { serviceFigures(from: $from, to: $to) { from to overall { ${FIGURE} } byAgent { agent ${FIGURE} } byPriority { priority ${FIGURE} } } }`;
const STICKINESS = `query ($asOf: String, $window: Int) {
  stickinessMetrics(asOf: $asOf, window: $window) { period { after through } activeCustomers repeatPurchaseRate { ${RATE} } activeArpu netSpend
    retention { withinDays ${RATE} } wakeUp { ${RATE} } reactivation { ${RATE} }
    composition { byTier { tier sales } byRegion { region sales } byCategory { category sales } } }
}`;

/** A rate in the reader's language, with its numerator and denominator. */
const pct = (r: Rate) => (r.rate === null ? '-' : `${percent(r.rate)} (${r.numerator}/${r.denominator})`);
const hours = (s: number | null) => (s === null ? '-' : translate('figures.hours', { h: oneDecimal(s / 3600) }));

export function FiguresPage({ me }: { me: Me }) {
  const { t, i18n } = useTranslation();
  const [service, setService] = useState<ServiceFigures>();
  const [sticky, setSticky] = useState<Stickiness>();
  const [error, setError] = useState('');
  const [asOf, setAsOf] = useState(me.shop.today);
  const [windowMonths, setWindowMonths] = useState(3);
  // The service figures' own date range (by default the server's: the last 30 days).
  const [range, setRange] = useState<{ from?: string; to?: string }>({});
  useEffect(() => {
    gql<{ serviceFigures: ServiceFigures }>(SERVICE, range)
      .then((d) => setService(d.serviceFigures))
      .catch((e: Error) => setError(e.message));
  }, [range.from, range.to]);
  // Stickiness once the RFM segments of the date have answered: on a small server the quick figures are not queued behind it.
  const [rfmAnswered, setRfmAnswered] = useState<string>();
  useEffect(() => {
    setSticky(undefined);
    if (rfmAnswered !== asOf) return;
    setError('');
    gql<{ stickinessMetrics: Stickiness }>(STICKINESS, { asOf, window: windowMonths })
      .then((d) => setSticky(d.stickinessMetrics))
      .catch((e: Error) => setError(e.message));
  }, [asOf, windowMonths, rfmAnswered]);

  const agentChart = useMemo(
    () =>
      service &&
      bars(
        service.byAgent.map((a) => a.agent ?? t('common.unassigned')),
        [
          { label: t('figures.complaintsSeries'), data: service.byAgent.map((a) => a.complaints), color: '#1d4ed8' },
          { label: t('figures.breachesSeries'), data: service.byAgent.map((a) => a.breaches), color: '#b91c1c' },
        ],
      ),
    [service, i18n.language],
  );
  const priorityChart = useMemo(
    () =>
      service &&
      bars(
        service.byPriority.map((p) => word('priority', p.priority)),
        [
          { label: t('figures.complaintsSeries'), data: service.byPriority.map((p) => p.complaints), color: '#1d4ed8' },
          { label: t('figures.breachesSeries'), data: service.byPriority.map((p) => p.breaches), color: '#b91c1c' },
        ],
      ),
    [service, i18n.language],
  );
  const tierChart = useMemo(
    () =>
      sticky &&
      bars(
        // NONE: buyers the tier read model holds no tier for on the date.
        sticky.composition.byTier.map((x) => (x.tier === 'NONE' ? t('figures.noTier') : x.tier)),
        [{ label: t('figures.salesSeries', { currency: me.shop.currency }), data: sticky.composition.byTier.map((t) => Number(t.sales)), color: '#047857' }],
        false,
      ),
    [sticky, me.shop.currency, i18n.language],
  );

  return (
    <>
      <h1>{t('figures.title')}</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('common.asOf')}
          <input type="date" value={asOf} max="9999-12-31" onChange={(e) => e.target.value && setAsOf(e.target.value)} />
        </label>
        <label>
          {t('figures.window')}
          <select value={windowMonths} onChange={(e) => setWindowMonths(Number(e.target.value))}>
            {[3, 6, 12].map((m) => (
              <option key={m} value={m}>
                {t('figures.months', { count: m })}
              </option>
            ))}
          </select>
        </label>
      </form>
      <ErrorNote error={error} />
      {service && agentChart && priorityChart && (
        <section aria-labelledby="service-title">
          <h2 id="service-title">{t('figures.service', { from: service.from, to: service.to })}</h2>
          <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label={t('figures.serviceRange')}>
            <label>
              {t('figures.serviceFrom')}
              <input type="date" value={range.from ?? service.from} max={range.to ?? service.to} onChange={(e) => e.target.value && setRange({ ...range, from: e.target.value })} />
            </label>
            <label>
              {t('figures.serviceTo')}
              <input
                type="date"
                value={range.to ?? service.to}
                min={range.from ?? service.from}
                max="9999-12-31"
                onChange={(e) => e.target.value && setRange({ ...range, to: e.target.value })}
              />
            </label>
          </form>
          <div className="cards">
            <div className="card">
              <h3>{t('figures.perAgent')}</h3>
              <ChartView config={agentChart} label={t('figures.perAgentLabel')} />
            </div>
            <div className="card">
              <h3>{t('figures.perPriority')}</h3>
              <ChartView config={priorityChart} label={t('figures.perPriorityLabel')} />
            </div>
          </div>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('common.agent')}</th>
                <th scope="col" className="num">
                  {t('figures.complaints')}
                </th>
                <th scope="col" className="num">
                  {t('figures.breaches')}
                </th>
                <th scope="col" className="num">
                  {t('figures.medianFirstResponse')}
                </th>
                <th scope="col" className="num">
                  {t('figures.satisfaction')}
                </th>
                <th scope="col" className="num">
                  {t('figures.reopenRate')}
                </th>
              </tr>
            </thead>
            <tbody>
              {[{ ...service.overall, agent: t('common.all') }, ...service.byAgent].map((a) => (
                <tr key={a.agent ?? '(unassigned)'}>
                  <th scope="row">{a.agent ?? t('common.unassigned')}</th>
                  <td className="num">{a.complaints}</td>
                  <td className="num">{a.breaches}</td>
                  <td className="num">{hours(a.firstResponseSeconds.median)}</td>
                  <td className="num">{a.satisfaction.mean ?? '-'}</td>
                  <td className="num">{a.reopenRate.rate === null ? '-' : percent(a.reopenRate.rate)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {!sticky && !error && (
        <p role="status" className="loading">
          {t('figures.computing')}
        </p>
      )}
      {sticky && tierChart && (
        <section aria-labelledby="sticky-title">
          <h2 id="sticky-title">{t('figures.stickiness', { after: sticky.period.after, through: sticky.period.through })}</h2>
          <dl className="figures">
            <div>
              <dt>{t('figures.activeCustomers')}</dt>
              <dd>{sticky.activeCustomers}</dd>
            </div>
            <div>
              <dt>{t('figures.repeatRate')}</dt>
              <dd>{pct(sticky.repeatPurchaseRate)}</dd>
            </div>
            <div>
              <dt>{t('figures.arpu')}</dt>
              <dd>{money(sticky.activeArpu, me.shop.currency, language())}</dd>
            </div>
            <div>
              <dt>{t('figures.retention', { days: sticky.retention.withinDays })}</dt>
              <dd>{pct(sticky.retention)}</dd>
            </div>
            <div>
              <dt>{t('figures.wakeUp')}</dt>
              <dd>{pct(sticky.wakeUp)}</dd>
            </div>
            <div>
              <dt>{t('figures.reactivation')}</dt>
              <dd>{pct(sticky.reactivation)}</dd>
            </div>
          </dl>
          <div className="card">
            <h3>{t('figures.salesByTier')}</h3>
            <ChartView config={tierChart} label={t('figures.salesByTierLabel', { list: sticky.composition.byTier.map((x) => `${x.tier} ${x.sales}`).join(', ') })} />
          </div>
          <div className="cards">
            <SalesTable
              caption={t('figures.byRegion')}
              head={t('figures.region')}
              currency={me.shop.currency}
              rows={sticky.composition.byRegion.map((r) => [word('figureKey', r.region), r.sales])}
            />
            <SalesTable
              caption={t('figures.byCategory')}
              head={t('figures.category')}
              currency={me.shop.currency}
              rows={sticky.composition.byCategory.map((c) => [word('figureKey', c.category), c.sales])}
            />
          </div>
        </section>
      )}
      <RfmSegments asOf={asOf} currency={me.shop.currency} onAnswered={setRfmAnswered} />
    </>
  );
}

/** Sales by one key (region, category) as a table. */
function SalesTable({ caption, head, currency, rows }: { caption: string; head: string; currency: string; rows: Array<[string, string]> }) {
  const { t } = useTranslation();
  return (
    <table>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{head}</th>
          <th scope="col" className="num">
            {t('figures.salesSeries', { currency })}
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([key, sales]) => (
          <tr key={key}>
            <th scope="row">{key}</th>
            <td className="num">{money(sales, currency, language())}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
