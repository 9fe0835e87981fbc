// Agents' work list: greetings due after a purchase, and open complaints nearest their deadline.
import { useEffect, useState } from 'react';
import { gql, Me } from '../api';
import { useTranslation } from 'react-i18next';
import { href } from '../router';
import { word } from '../i18n';
import { instant } from '../format';
import { ErrorNote } from '../components/Error';
import { byUrgency, COMPLAINT_FIELDS, ComplaintRow, SlaState } from '../components/Complaints';
import type { BirthdayDue, CareDue, Customer, GreetingDue } from '../generated/graphql';

type Greeting = GreetingDue;
/** An open complaint with who complained (ref and name, as the other tables show them). */
type OpenComplaint = ComplaintRow & { customer: Pick<Customer, 'customerRef' | 'name'> | null };
type Birthday = BirthdayDue;

export function CarePage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const [greetings, setGreetings] = useState<Greeting[]>([]);
  const [birthdays, setBirthdays] = useState<Birthday[]>([]);
  const [complaints, setComplaints] = useState<OpenComplaint[]>([]);
  const [error, setError] = useState('');
  useEffect(() => {
    gql<{ careDueList: CareDue; complaints: { edges: Array<{ node: OpenComplaint }> } }>(
      `query { careDueList {
         greetings { customerId customerRef name orderId purchasedAt dueOn overdue }
         birthdays { customerId customerRef name birthday overdue } }
       complaints(status: "open", first: 500) { edges { node { ${COMPLAINT_FIELDS} customer { customerRef name } } } } }`,
    )
      .then((d) => {
        setGreetings(d.careDueList.greetings);
        setBirthdays(d.careDueList.birthdays);
        setComplaints(byUrgency(d.complaints.edges.map((e) => e.node)));
      })
      .catch((e: Error) => setError(e.message));
  }, []);

  return (
    <>
      <h1>{t('care.title', { today: me.shop.today })}</h1>
      <ErrorNote error={error} />
      <section aria-labelledby="greetings-title">
        <h2 id="greetings-title">{t('care.greetings')}</h2>
        {greetings.length === 0 ? (
          <p>{t('care.noGreeting')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('common.customer')}</th>
                <th scope="col">{t('care.order')}</th>
                <th scope="col">{t('care.purchased')}</th>
                <th scope="col">{t('care.dueBy')}</th>
                <th scope="col">{t('care.state')}</th>
              </tr>
            </thead>
            <tbody>
              {greetings.map((g) => (
                <tr key={g.customerId}>
                  <td>
                    <a href={href(`customers/${g.customerId}`)}>{g.customerRef ?? g.customerId.slice(0, 8)}</a> {g.name ?? ''}
                  </td>
                  <td>{g.orderId}</td>
                  <td>{instant(g.purchasedAt)}</td>
                  <td>{g.dueOn}</td>
                  <td className={g.overdue ? 'bad' : undefined}>{g.overdue ? t('common.overdue') : t('common.due')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="birthdays-title">
        <h2 id="birthdays-title">{t('care.birthdays')}</h2>
        {birthdays.length === 0 ? (
          <p>{t('care.noBirthday')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('common.customer')}</th>
                <th scope="col">{t('care.birthday')}</th>
                <th scope="col">{t('care.state')}</th>
              </tr>
            </thead>
            <tbody>
              {birthdays.map((b) => (
                <tr key={b.customerId}>
                  <td>
                    <a href={href(`customers/${b.customerId}`)}>{b.customerRef ?? b.customerId.slice(0, 8)}</a> {b.name ?? ''}
                  </td>
                  <td>{b.birthday}</td>
                  <td className={b.overdue ? 'bad' : undefined}>{b.overdue ? t('common.overdue') : t('common.due')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="open-title">
        <h2 id="open-title">{me.role === 'agent' ? t('care.openMine') : t('care.open')}</h2>
        {complaints.length === 0 ? (
          <p>{t('care.noOpen')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('common.customer')}</th>
                <th scope="col">{t('common.subject')}</th>
                <th scope="col">{t('common.priority')}</th>
                <th scope="col">{t('common.agent')}</th>
                <th scope="col">{t('common.sla')}</th>
              </tr>
            </thead>
            <tbody>
              {complaints.map((c) => (
                <tr key={c.id}>
                  <td>
                    <a href={href(`customers/${c.customerId}`)}>{c.customer?.customerRef ?? c.customerId.slice(0, 8)}</a> {c.customer?.name ?? ''}
                  </td>
                  <td>{c.subject}</td>
                  <td>{word('priority', c.priority)}</td>
                  <td>{c.agent ?? '-'}</td>
                  <td>
                    <SlaState c={c} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
