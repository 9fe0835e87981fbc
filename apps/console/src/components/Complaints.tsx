// Complaints with their SLA state, and the steps an agent takes from the page.
import { FormEvent, useEffect, useState } from 'react';
import { gql, Me, may, Written } from '../api';
import { useTranslation } from 'react-i18next';
import { instant, timeLeft } from '../format';
import { word } from '../i18n';
import { ErrorNote } from './Error';
import type { Complaint } from '../generated/graphql';

/** A complaint as the console selects it (COMPLAINT_FIELDS) of the schema's Complaint. */
export type ComplaintRow = Pick<
  Complaint,
  'id' | 'customerId' | 'subject' | 'priority' | 'status' | 'agent' | 'openedAt' | 'respondBy' | 'firstResponseAt' | 'resolvedAt' | 'breached'
>;

export const COMPLAINT_FIELDS = 'id customerId subject priority status agent openedAt respondBy firstResponseAt resolvedAt breached';

/** The order agents work in: not yet answered first, then the nearest deadline. */
export function byUrgency<T extends ComplaintRow>(rows: readonly T[]): T[] {
  const rank = (c: ComplaintRow) => (c.firstResponseAt ? 1 : 0);
  return [...rows].sort((a, b) => rank(a) - rank(b) || String(a.respondBy).localeCompare(String(b.respondBy)));
}

/** Deadline, breached, and the time left while no first response has been given. */
export function SlaState({ c }: { c: ComplaintRow }) {
  const { t } = useTranslation();
  const due = instant(c.respondBy);
  if (c.breached) return <span className="bad">{t('complaints.breached', { due })}</span>;
  if (c.firstResponseAt || c.status === 'resolved') return <span className="good">{t('complaints.kept', { due })}</span>;
  return <span>{t('complaints.dueLeft', { due, left: timeLeft(c.respondBy) })}</span>;
}

const LIST = `query ($id: ID!, $openedBy: String, $waitFor: Float) { complaints(customerId: $id, openedBy: $openedBy, first: 50, waitFor: $waitFor) { edges { node { ${COMPLAINT_FIELDS} } } } }`;

/** One mutation a step; each answers the position its reads wait for. */
const write = async (mutation: string, name: string, variables: Record<string, unknown>) => (await gql<Record<string, Written>>(mutation, variables))[name].position;
const STEPS = {
  respond: (id: string, f: StepFields) =>
    write('mutation ($id: ID!, $text: String!) { respondToComplaint(id: $id, input: { message: $text }) { position } }', 'respondToComplaint', { id, text: f.text }),
  resolve: (id: string, f: StepFields) =>
    write('mutation ($id: ID!, $text: String!) { resolveComplaint(id: $id, input: { resolution: $text }) { position } }', 'resolveComplaint', { id, text: f.text }),
  escalate: (id: string, f: StepFields) =>
    write('mutation ($id: ID!, $p: String!) { escalateComplaint(id: $id, input: { priority: $p }) { position } }', 'escalateComplaint', { id, p: f.priority }),
  assign: (id: string, f: StepFields) =>
    write('mutation ($id: ID!, $agent: String!) { assignComplaint(id: $id, input: { agent: $agent }) { position } }', 'assignComplaint', { id, agent: f.agent }),
  reopen: (id: string, f: StepFields) =>
    write('mutation ($id: ID!, $reason: String) { reopenComplaint(id: $id, input: { reason: $reason }) { position } }', 'reopenComplaint', { id, reason: f.text || undefined }),
};
interface StepFields {
  text: string;
  priority: string;
  agent: string;
}
/** Priorities in rising order: a complaint is escalated to a higher one. */
const PRIORITIES = ['FEEDBACK', 'NORMAL', 'URGENT', 'CRITICAL', 'RED_ALERT'];

/** asOf: the page's date (complaints opened by then); written: the page's last write position, read after; onWrote: a step was recorded at that position. */
export function Complaints({ me, customerId, asOf, written, onWrote }: { me: Me; customerId: string; asOf: string; written?: number; onWrote: (position: number) => void }) {
  const { t } = useTranslation();
  const [rows, setRows] = useState<ComplaintRow[]>([]);
  const [error, setError] = useState('');
  useEffect(() => {
    gql<{ complaints: { edges: Array<{ node: ComplaintRow }> } }>(LIST, { id: customerId, openedBy: asOf, waitFor: written })
      .then((d) => setRows(d.complaints.edges.map((e) => e.node)))
      .catch((e: Error) => setError(e.message));
  }, [customerId, asOf, written]);

  const step = async (e: FormEvent<HTMLFormElement>, c: ComplaintRow) => {
    e.preventDefault();
    const formElement = e.currentTarget;
    const form = new FormData(formElement);
    const text = String(form.get('text') ?? '').trim();
    const action = (e.nativeEvent as SubmitEvent).submitter?.getAttribute('value') ?? 'respond';
    try {
      const position = await STEPS[action as keyof typeof STEPS](c.id, { text, priority: String(form.get('priority') ?? ''), agent: String(form.get('agent') ?? '').trim() });
      setError('');
      formElement.reset();
      onWrote(position);
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <section aria-labelledby="complaints-title">
      <h2 id="complaints-title">{t('complaints.title')}</h2>
      {asOf < me.shop.today && <p className="muted">{t('complaints.openedBy', { asOf })}</p>}
      <ErrorNote error={error} />
      {rows.length === 0 ? (
        <p>{me.role === 'agent' ? t('complaints.noneAssigned') : t('complaints.none')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('complaints.opened')}</th>
              <th scope="col">{t('common.subject')}</th>
              <th scope="col">{t('common.priority')}</th>
              <th scope="col">{t('common.status')}</th>
              <th scope="col">{t('common.agent')}</th>
              <th scope="col">{t('common.sla')}</th>
              <th scope="col">{t('complaints.nextStep')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((c) => (
              <tr key={c.id}>
                <td>{instant(c.openedAt)}</td>
                <td>{c.subject}</td>
                <td>{word('priority', c.priority)}</td>
                <td>{word('complaintStatus', c.status)}</td>
                <td>{c.agent ?? '-'}</td>
                <td>
                  <SlaState c={c} />
                </td>
                <td>
                  {c.status === 'open' && may(me, 'complaints.handle') && (
                    <form className="inline" onSubmit={(e) => step(e, c)}>
                      <label>
                        {t('complaints.text')}
                        <input name="text" required maxLength={2000} />
                      </label>
                      <button type="submit" value="respond">
                        {t('complaints.respond')}
                      </button>
                      <button type="submit" value="resolve">
                        {t('complaints.resolve')}
                      </button>
                      {PRIORITIES.indexOf(c.priority) < PRIORITIES.length - 1 && (
                        <>
                          <label>
                            {t('complaints.priorityTo')}
                            <select name="priority" defaultValue={PRIORITIES[PRIORITIES.indexOf(c.priority) + 1]}>
                              {PRIORITIES.slice(PRIORITIES.indexOf(c.priority) + 1).map((p) => (
                                <option key={p} value={p}>
                                  {word('priority', p)}
                                </option>
                              ))}
                            </select>
                          </label>
                          <button type="submit" value="escalate" formNoValidate>
                            {t('complaints.escalate')}
                          </button>
                        </>
                      )}
                      {may(me, 'complaints.readAll') && (
                        <>
                          <label>
                            {t('complaints.agentTo')}
                            <input name="agent" maxLength={100} defaultValue={c.agent ?? ''} />
                          </label>
                          <button type="submit" value="assign" formNoValidate>
                            {t('complaints.assign')}
                          </button>
                        </>
                      )}
                    </form>
                  )}
                  {c.status === 'resolved' && may(me, 'complaints.handle') && (
                    <form className="inline" onSubmit={(e) => step(e, c)}>
                      <label>
                        {t('complaints.reason')}
                        <input name="text" maxLength={2000} />
                      </label>
                      <button type="submit" value="reopen">
                        {t('complaints.reopen')}
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
