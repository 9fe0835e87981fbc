// The audit timeline: newest first, paged back, filtered by kind on the server, entries
// after the as-of date hidden, and new entries arriving live over the subscription (on top).
import { useEffect, useRef, useState } from 'react';
import { entrySentence, itemLines } from '../entry-text';
import { word } from '../i18n';
import { gql, subscribe } from '../api';
import { useTranslation } from 'react-i18next';
import { instant, shopDay } from '../format';
import { ErrorNote } from './Error';
import type { TimelineEntry } from '../generated/graphql';

/** An entry as the console selects it (FIELDS) of the schema's TimelineEntry. */
type Entry = Pick<TimelineEntry, 'position' | 'type' | 'derived' | 'eventId' | 'occurredAt' | 'recordedAt' | 'actor' | 'correlationId' | 'data'>;

const FIELDS = 'position type derived eventId occurredAt recordedAt actor correlationId data';
const PAGE = `query ($id: ID!, $after: String, $waitFor: Float, $types: [String!]) { customer(id: $id, waitFor: $waitFor) { timeline(first: 100, after: $after, types: $types, newestFirst: true) { edges { cursor node { ${FIELDS} } } pageInfo { hasNextPage endCursor } } } }`;
const LIVE = `subscription ($id: ID!) { customerTimeline(customerId: $id) { cursor node { ${FIELDS} } } }`;

const keyOf = (e: Entry) => e.eventId ?? `${e.type}@${e.occurredAt}`;

/** written: the page's last write position; onLive: a new entry arrived (the page refreshes the standing it shows). */
export function Timeline({ customerId, asOf, written, onLive }: { customerId: string; asOf: string; written?: number; onLive: () => void }) {
  const { t } = useTranslation();
  const [entries, setEntries] = useState<Entry[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [kind, setKind] = useState('');
  const [kinds, setKinds] = useState<string[]>([]);
  const [error, setError] = useState('');
  // Which list the answers belong to: one for a customer and kind no longer shown is dropped.
  const listShown = useRef(0);

  /** Older entries (a further page) go below; a first page read again replaces the list. */
  const older = (more: Entry[]) =>
    setEntries((known) => {
      const seen = new Set(known.map(keyOf));
      return [...known, ...more.filter((e) => !seen.has(keyOf(e)))];
    });
  /** A live entry is the newest: on top. */
  const newest = (entry: Entry) => setEntries((known) => [entry, ...known.filter((e) => keyOf(e) !== keyOf(entry))]);

  const load = async (after: string | null) => {
    const list = listShown.current;
    try {
      const { customer } = await gql<{ customer: { timeline: { edges: Array<{ node: Entry }>; pageInfo: { hasNextPage: boolean; endCursor: string } } } }>(PAGE, {
        id: customerId,
        after,
        waitFor: written,
        types: kind ? [kind] : undefined,
      });
      if (list !== listShown.current) return;
      const page = customer.timeline.edges.map((e) => e.node);
      if (after === null) setEntries(page);
      else older(page);
      setNext(customer.timeline.pageInfo.hasNextPage ? customer.timeline.pageInfo.endCursor : null);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  useEffect(() => {
    gql<{ timelineEntryTypes: string[] }>('{ timelineEntryTypes }')
      .then((d) => setKinds(d.timelineEntryTypes))
      .catch((e: Error) => setError(e.message));
  }, []);
  // The kind filter is the server's: the whole history of that kind, paged, not just the loaded pages.
  useEffect(() => {
    listShown.current += 1;
    setEntries([]);
    setNext(null);
    void load(null);
  }, [customerId, kind]);
  useEffect(
    () =>
      subscribe<{ customerTimeline: { node: Entry } }>(LIVE, { id: customerId }, (d) => {
        newest(d.customerTimeline.node);
        onLive();
      }),
    [customerId],
  );
  // A write from this page: derived entries (tier, lifecycle) are recomputed, so read again
  // once the projections have it. A live entry alone needs no re-read.
  useEffect(() => {
    if (written !== undefined) void load(null);
  }, [written]);

  const shown = entries.filter((e) => shopDay(e.occurredAt) <= asOf && (!kind || e.type === kind));
  const later = entries.filter((e) => shopDay(e.occurredAt) > asOf).length;

  return (
    <section aria-labelledby="timeline-title">
      <h2 id="timeline-title">{t('timeline.title')}</h2>
      <label>
        {t('timeline.kind')}
        <select value={kind} onChange={(e) => setKind(e.target.value)}>
          <option value="">{t('timeline.allKinds')}</option>
          {kinds.map((k) => (
            <option key={k} value={k}>
              {word('entryType', k)}
            </option>
          ))}
        </select>
      </label>
      {later > 0 && <p className="muted">{t('timeline.hidden', { count: later, asOf })}</p>}
      <ErrorNote error={error} />
      <table className="timeline" aria-live="polite">
        <thead>
          <tr>
            <th scope="col">{t('timeline.occurred')}</th>
            <th scope="col">{t('timeline.recorded')}</th>
            <th scope="col">{t('timeline.what')}</th>
            <th scope="col">{t('timeline.actor')}</th>
            <th scope="col">{t('timeline.details')}</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((e) => (
            <tr key={keyOf(e)} id={e.position ? `entry-${e.position}` : undefined} tabIndex={-1} className={e.derived ? 'derived' : undefined}>
              <td>{instant(e.occurredAt)}</td>
              <td>{e.derived ? <em>{t('timeline.derived')}</em> : instant(e.recordedAt)}</td>
              <td>{word('entryType', e.type)}</td>
              <td>{e.actor ?? '-'}</td>
              <td className="details">
                <EntryDetails type={e.type} data={e.data} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {next && (
        <button type="button" onClick={() => load(next)}>
          {t('timeline.loadMore')}
        </button>
      )}
    </section>
  );
}

/** The sentence, a purchase's items as lines, and the stored data behind a toggle. */
function EntryDetails({ type, data }: { type: string; data: unknown }) {
  const { t } = useTranslation();
  const items = itemLines(type, data);
  return (
    <>
      {entrySentence(type, data)}
      {items.length > 0 && (
        <ul className="items">
          {items.map((line, i) => (
            <li key={i}>{line}</li>
          ))}
        </ul>
      )}
      <details>
        <summary>{t('timeline.showData')}</summary>
        <pre>{JSON.stringify(data, null, 2)}</pre>
      </details>
    </>
  );
}
