// Agents' work list: greetings due after a purchase, and open complaints nearest their deadline.
import { useEffect, useState } from 'react';
import { gql, Me } from '../api';
import { href } from '../router';
import { instant } from '../format';
import { ErrorNote } from '../components/Error';
import { COMPLAINT_FIELDS, ComplaintRow, SlaState } from '../components/Complaints';
import type { BirthdayDue, CareDue, Customer, GreetingDue } from '../generated/graphql';

type Greeting = GreetingDue;
/** An open complaint with who complained (ref and name, as the other tables show them). */
type OpenComplaint = ComplaintRow & { customer: Pick<Customer, 'customerRef' | 'name'> | null };
type Birthday = BirthdayDue;

export function CarePage({ me }: { me: Me }) {
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
        // Not yet answered first, the nearest deadline first.
        const rank = (c: ComplaintRow) => (c.firstResponseAt ? 1 : 0);
        setComplaints(d.complaints.edges.map((e) => e.node).sort((a, b) => rank(a) - rank(b) || String(a.respondBy).localeCompare(String(b.respondBy))));
      })
      .catch((e: Error) => setError(e.message));
  }, []);

  return (
    <>
      <h1>Care and complaints on {me.shop.today}</h1>
      <ErrorNote error={error} />
      <section aria-labelledby="greetings-title">
        <h2 id="greetings-title">Post-purchase greetings due (within 2 days of the purchase)</h2>
        {greetings.length === 0 ? (
          <p>No greeting is due.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Customer</th>
                <th scope="col">Order</th>
                <th scope="col">Purchased</th>
                <th scope="col">Due by</th>
                <th scope="col">State</th>
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
                  <td className={g.overdue ? 'bad' : undefined}>{g.overdue ? 'overdue' : 'due'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="birthdays-title">
        <h2 id="birthdays-title">Birthday greetings (the week before the birthday; overdue the week after)</h2>
        {birthdays.length === 0 ? (
          <p>No birthday greeting is due.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Customer</th>
                <th scope="col">Birthday</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {birthdays.map((b) => (
                <tr key={b.customerId}>
                  <td>
                    <a href={href(`customers/${b.customerId}`)}>{b.customerRef ?? b.customerId.slice(0, 8)}</a> {b.name ?? ''}
                  </td>
                  <td>{b.birthday}</td>
                  <td className={b.overdue ? 'bad' : undefined}>{b.overdue ? 'overdue' : 'due'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="open-title">
        <h2 id="open-title">Open complaints, nearest deadline first{me.role === 'agent' ? ' (assigned to you)' : ''}</h2>
        {complaints.length === 0 ? (
          <p>No open complaint.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Customer</th>
                <th scope="col">Subject</th>
                <th scope="col">Priority</th>
                <th scope="col">Agent</th>
                <th scope="col">SLA</th>
              </tr>
            </thead>
            <tbody>
              {complaints.map((c) => (
                <tr key={c.id}>
                  <td>
                    <a href={href(`customers/${c.customerId}`)}>{c.customer?.customerRef ?? c.customerId.slice(0, 8)}</a> {c.customer?.name ?? ''}
                  </td>
                  <td>{c.subject}</td>
                  <td>{c.priority}</td>
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
