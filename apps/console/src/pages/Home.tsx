// The day at a glance: new customers, purchases and refunds, customers per
// tier, the care work due and the open complaints nearest their deadline,
// each with a link to where it is handled.
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { gql, Me } from '../api';
import { href } from '../router';
import { bars } from '../charts';
import { language, word } from '../i18n';
import { ChartView } from '../components/Chart';
import { ErrorNote } from '../components/Error';
import { byUrgency, COMPLAINT_FIELDS, ComplaintRow, SlaState } from '../components/Complaints';
import type { CareDue, DayFigures } from '../generated/graphql';
import { money } from '../entry-text';

const QUERY = `query ($asOf: String) {
  dayFigures(asOf: $asOf) { asOf newCustomers purchases sales refunds refunded byTier { tier customers } }
  careDueList(asOf: $asOf) { greetings { customerId } birthdays { customerId } }
  complaints(status: "open", first: 500) { edges { node { ${COMPLAINT_FIELDS} } } }
}`;

export function HomePage({ me }: { me: Me }) {
  const { t, i18n } = useTranslation();
  const [day, setDay] = useState<DayFigures>();
  const [care, setCare] = useState<Pick<CareDue, 'greetings' | 'birthdays'>>();
  const [complaints, setComplaints] = useState<ComplaintRow[]>([]);
  const [error, setError] = useState('');
  useEffect(() => {
    gql<{ dayFigures: DayFigures; careDueList: CareDue; complaints: { edges: Array<{ node: ComplaintRow }> } }>(QUERY, { asOf: me.shop.today })
      .then((d) => {
        setDay(d.dayFigures);
        setCare(d.careDueList);
        setComplaints(byUrgency(d.complaints.edges.map((e) => e.node)));
      })
      .catch((e: Error) => setError(e.message));
  }, [me.shop.today]);
  const tierChart = useMemo(
    () =>
      day &&
      bars(
        day.byTier.map((x) => (x.tier === 'NONE' ? t('home.noTier') : x.tier)),
        [{ label: t('home.customersSeries'), data: day.byTier.map((x) => x.customers), color: '#047857' }],
      ),
    [day, i18n.language],
  );
  return (
    <>
      <h1>{t('home.title', { today: me.shop.today })}</h1>
      <ErrorNote error={error} />
      {day && (
        <dl className="figures" aria-label={t('home.today')}>
          <div>
            <dt>{t('home.newCustomers')}</dt>
            <dd>{day.newCustomers}</dd>
          </div>
          <div>
            <dt>{t('home.purchases')}</dt>
            <dd>{t('home.amountIn', { count: day.purchases, amount: money(day.sales, me.shop.currency, language()) })}</dd>
          </div>
          <div>
            <dt>{t('home.refunds')}</dt>
            <dd>{t('home.amountIn', { count: day.refunds, amount: money(day.refunded, me.shop.currency, language()) })}</dd>
          </div>
          {care && (
            <div>
              <dt>{t('home.careDue')}</dt>
              <dd>
                <a href={href('care')}>{t('home.careDueText', { greetings: care.greetings.length, birthdays: care.birthdays.length })}</a>
              </dd>
            </div>
          )}
        </dl>
      )}
      <div className="cards">
        {day && tierChart && (
          <section className="card" aria-labelledby="tiers-title">
            <h2 id="tiers-title">{t('home.byTier')}</h2>
            <ChartView config={tierChart} label={t('home.byTierLabel', { list: day.byTier.map((x) => `${x.tier} ${x.customers}`).join(', ') })} />
            <table>
              <tbody>
                {day.byTier.map((x) => (
                  <tr key={x.tier}>
                    <th scope="row">{x.tier === 'NONE' ? t('home.noTier') : <a href={href('customers', { tier: x.tier })}>{x.tier}</a>}</th>
                    <td className="num">{x.customers}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        )}
        <section className="card" aria-labelledby="urgent-title">
          <h2 id="urgent-title">{t('home.complaints', { count: complaints.length })}</h2>
          {complaints.length === 0 ? (
            <p>{t('care.noOpen')}</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('common.subject')}</th>
                  <th scope="col">{t('common.priority')}</th>
                  <th scope="col">{t('common.sla')}</th>
                </tr>
              </thead>
              <tbody>
                {complaints.slice(0, 5).map((c) => (
                  <tr key={c.id}>
                    <td>
                      <a href={href(`customers/${c.customerId}`)}>{c.subject}</a>
                    </td>
                    <td>{word('priority', c.priority)}</td>
                    <td>
                      <SlaState c={c} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {complaints.length > 5 && <a href={href('care')}>{t('home.allComplaints')}</a>}
        </section>
      </div>
    </>
  );
}
