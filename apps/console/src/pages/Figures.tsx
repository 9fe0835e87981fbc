// Service figures per agent and priority, and the stickiness metrics, as charts with their tables.
import { useEffect, useMemo, useState } from 'react';
import { gql, Me } from '../api';
import { ChartView } from '../components/Chart';
import { bars } from '../charts';
import { ErrorNote } from '../components/Error';
import type { Rate, ServiceFigures, Stickiness } from '../generated/graphql';

const FIGURE = `complaints responded resolved breaches firstResponseSeconds { median } satisfaction { mean } reopenRate { rate }`;
const RATE = `numerator denominator rate`;
const QUERY = `{
  serviceFigures { from to overall { ${FIGURE} } byAgent { agent ${FIGURE} } byPriority { priority ${FIGURE} } }
  stickinessMetrics { period { after through } activeCustomers repeatPurchaseRate { ${RATE} } activeArpu netSpend
    retention { withinDays ${RATE} } wakeUp { ${RATE} } reactivation { ${RATE} }
    composition { byTier { tier sales } byRegion { region sales } byCategory { category sales } } }
}`;

const pct = (r: Rate) => (r.rate === null ? '-' : `${(r.rate * 100).toFixed(1)}% (${r.numerator}/${r.denominator})`);
const hours = (s: number | null) => (s === null ? '-' : `${(s / 3600).toFixed(1)} h`);

export function FiguresPage({ me }: { me: Me }) {
  const [service, setService] = useState<ServiceFigures>();
  const [sticky, setSticky] = useState<Stickiness>();
  const [error, setError] = useState('');
  useEffect(() => {
    gql<{ serviceFigures: ServiceFigures; stickinessMetrics: Stickiness }>(QUERY)
      .then((d) => {
        setService(d.serviceFigures);
        setSticky(d.stickinessMetrics);
      })
      .catch((e: Error) => setError(e.message));
  }, []);

  const agentChart = useMemo(
    () =>
      service &&
      bars(
        service.byAgent.map((a) => a.agent ?? 'unassigned'),
        [
          { label: 'complaints', data: service.byAgent.map((a) => a.complaints), color: '#1d4ed8' },
          { label: 'breaches', data: service.byAgent.map((a) => a.breaches), color: '#b91c1c' },
        ],
      ),
    [service],
  );
  const priorityChart = useMemo(
    () =>
      service &&
      bars(
        service.byPriority.map((p) => p.priority ?? ''),
        [
          { label: 'complaints', data: service.byPriority.map((p) => p.complaints), color: '#1d4ed8' },
          { label: 'breaches', data: service.byPriority.map((p) => p.breaches), color: '#b91c1c' },
        ],
      ),
    [service],
  );
  const tierChart = useMemo(
    () =>
      sticky &&
      bars(
        sticky.composition.byTier.map((t) => t.tier),
        [{ label: `sales (${me.shop.currency})`, data: sticky.composition.byTier.map((t) => Number(t.sales)), color: '#047857' }],
        false,
      ),
    [sticky, me.shop.currency],
  );

  return (
    <>
      <h1>Figures</h1>
      <ErrorNote error={error} />
      {service && agentChart && priorityChart && (
        <section aria-labelledby="service-title">
          <h2 id="service-title">
            Service, {service.from} to {service.to}
          </h2>
          <div className="cards">
            <div className="card">
              <h3>Per agent</h3>
              <ChartView config={agentChart} label="Complaints and breaches per agent" />
            </div>
            <div className="card">
              <h3>Per priority</h3>
              <ChartView config={priorityChart} label="Complaints and breaches per priority" />
            </div>
          </div>
          <table>
            <thead>
              <tr>
                <th scope="col">Agent</th>
                <th scope="col" className="num">
                  Complaints
                </th>
                <th scope="col" className="num">
                  Breaches
                </th>
                <th scope="col" className="num">
                  Median first response
                </th>
                <th scope="col" className="num">
                  Satisfaction
                </th>
                <th scope="col" className="num">
                  Reopen rate
                </th>
              </tr>
            </thead>
            <tbody>
              {[{ ...service.overall, agent: 'all' }, ...service.byAgent].map((a) => (
                <tr key={a.agent ?? 'unassigned'}>
                  <th scope="row">{a.agent ?? 'unassigned'}</th>
                  <td className="num">{a.complaints}</td>
                  <td className="num">{a.breaches}</td>
                  <td className="num">{hours(a.firstResponseSeconds.median)}</td>
                  <td className="num">{a.satisfaction.mean ?? '-'}</td>
                  <td className="num">{a.reopenRate.rate === null ? '-' : `${(a.reopenRate.rate * 100).toFixed(1)}%`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {sticky && tierChart && (
        <section aria-labelledby="sticky-title">
          <h2 id="sticky-title">
            Stickiness, {sticky.period.after} to {sticky.period.through}
          </h2>
          <dl className="figures">
            <div>
              <dt>active customers</dt>
              <dd>{sticky.activeCustomers}</dd>
            </div>
            <div>
              <dt>repeat purchase rate</dt>
              <dd>{pct(sticky.repeatPurchaseRate)}</dd>
            </div>
            <div>
              <dt>active ARPU</dt>
              <dd>
                {sticky.activeArpu} {me.shop.currency}
              </dd>
            </div>
            <div>
              <dt>retention ({sticky.retention.withinDays} days)</dt>
              <dd>{pct(sticky.retention)}</dd>
            </div>
            <div>
              <dt>wake-up rate</dt>
              <dd>{pct(sticky.wakeUp)}</dd>
            </div>
            <div>
              <dt>reactivation rate</dt>
              <dd>{pct(sticky.reactivation)}</dd>
            </div>
          </dl>
          <div className="card">
            <h3>Sales by tier</h3>
            <ChartView config={tierChart} label={`Sales by tier: ${sticky.composition.byTier.map((t) => `${t.tier} ${t.sales}`).join(', ')}`} />
          </div>
        </section>
      )}
    </>
  );
}
