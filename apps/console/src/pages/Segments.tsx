// Segments: the list, the builder with its live preview (how many, and
// against the published version who enters and who leaves), and one
// segment's page: its size over time and its members on a date.
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { gql, Me, may } from '../api';
import { ChartView } from '../components/Chart';
import { ErrorNote } from '../components/Error';
import { bodyOf, Catalog, CATALOG_QUERY, draftFrom, emptyDraft, GroupEditor, SegmentDraft } from '../components/SegmentForm';
import { go, href } from '../router';
import type { Segment, SegmentListItem, SegmentMembers, SegmentPreview, SegmentSizes } from '../generated/graphql';

const PREVIEW = `query ($d: JSON!, $compareTo: String) { segmentPreview(definition: $d, compareTo: $compareTo, limit: 10) {
  count compared { version entering { count customers { customerId } } leaving { count customers { customerId } } } } }`;

/** The builder: a form, its JSON beside it, the preview as it is edited, and publish. */
function SegmentBuilder({ initial, onPublished }: { initial: SegmentDraft; onPublished: (id: string, position: number) => void }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState(initial);
  const [preview, setPreview] = useState<SegmentPreview>();
  const [error, setError] = useState('');
  const revising = initial.id !== '';
  // The fields and their ops come from the server's own table (the one the definition is checked with).
  const [catalog, setCatalog] = useState<Catalog>([]);
  useEffect(() => {
    gql<{ segmentFields: Catalog }>(CATALOG_QUERY)
      .then((d) => setCatalog(d.segmentFields))
      .catch((e: Error) => setError(e.message));
  }, []);
  const body = useMemo(() => bodyOf(catalog, draft), [catalog, draft]);
  // The preview follows the form (debounced): the count, and against the published version who enters and leaves.
  useEffect(() => {
    if (!draft.name.trim() || catalog.length === 0) return;
    const timer = setTimeout(() => {
      gql<{ segmentPreview: SegmentPreview }>(PREVIEW, { d: body, compareTo: revising ? initial.id : undefined })
        .then((d) => {
          setPreview(d.segmentPreview);
          setError('');
        })
        .catch((e: Error) => {
          setPreview(undefined);
          setError(e.message);
        });
    }, 400);
    return () => clearTimeout(timer);
  }, [body]);

  const publish = async () => {
    try {
      type Written = { id: string; position: number };
      const written = revising
        ? await gql<{ reviseSegment: Written }>('mutation ($id: String!, $d: JSON!) { reviseSegment(segmentId: $id, definition: $d) { id position } }', {
            id: initial.id,
            d: body,
          }).then((d) => d.reviseSegment)
        : await gql<{ publishSegment: Written }>('mutation ($d: JSON!) { publishSegment(definition: $d) { id position } }', { d: body }).then((d) => d.publishSegment);
      onPublished(written.id, written.position);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <section aria-labelledby="builder-title" className="segment-builder">
      <h2 id="builder-title">{revising ? t('segments.revise', { id: initial.id }) : t('segments.new')}</h2>
      <div className="filters">
        {!revising && (
          <label>
            {t('segments.id')} <input value={draft.id} onChange={(e) => setDraft({ ...draft, id: e.target.value })} placeholder="south-dress-lovers" />
          </label>
        )}
        <label>
          {t('segments.name')} <input value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} required />
        </label>
        <label>
          {t('segments.windowMonths')} <input type="number" min={1} max={24} value={draft.windowMonths} onChange={(e) => setDraft({ ...draft, windowMonths: e.target.value })} />
        </label>
        <label>
          <input type="checkbox" checked={draft.asTag} onChange={(e) => setDraft({ ...draft, asTag: e.target.checked })} /> {t('segments.asTag')}
        </label>
      </div>
      <GroupEditor catalog={catalog} group={draft} depth={1} path="" onChange={(g) => setDraft({ ...draft, ...g })} />
      <ErrorNote error={error} />
      {preview && (
        <div role="status" aria-live="polite" className="preview">
          <p>{t('segments.previewCount', { count: preview.count })}</p>
          {preview.compared && (
            <p>{t('segments.previewDiff', { version: preview.compared.version, entering: preview.compared.entering.count, leaving: preview.compared.leaving.count })}</p>
          )}
          {preview.compared && (
            <div className="diff">
              <ul aria-label={t('segments.entering')}>
                {preview.compared.entering.customers.map((c) => (
                  <li key={c.customerId}>
                    + <a href={href(`customers/${c.customerId}`)}>{c.customerId.slice(0, 8)}</a>
                  </li>
                ))}
              </ul>
              <ul aria-label={t('segments.leaving')}>
                {preview.compared.leaving.customers.map((c) => (
                  <li key={c.customerId}>
                    − <a href={href(`customers/${c.customerId}`)}>{c.customerId.slice(0, 8)}</a>
                  </li>
                ))}
              </ul>
            </div>
          )}
        </div>
      )}
      <details>
        <summary>{t('segments.json')}</summary>
        <pre>{JSON.stringify(body, null, 2)}</pre>
      </details>
      <button type="button" onClick={publish} disabled={!draft.name.trim()}>
        {revising ? t('segments.publishNext') : t('segments.publish')}
      </button>
    </section>
  );
}

export function SegmentsPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const [items, setItems] = useState<SegmentListItem[]>([]);
  const [error, setError] = useState('');
  const [building, setBuilding] = useState(false);
  useEffect(() => {
    gql<{ segments: SegmentListItem[] }>('{ segments { segmentId name version asTag status publishedAt } }')
      .then((d) => setItems(d.segments))
      .catch((e: Error) => setError(e.message));
  }, []);
  return (
    <>
      <h1>{t('segments.title')}</h1>
      <ErrorNote error={error} />
      {items.length === 0 ? (
        <p>{t('segments.none')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('segments.name')}</th>
              <th scope="col">{t('segments.version')}</th>
              <th scope="col">{t('segments.asTag')}</th>
              <th scope="col">{t('segments.published')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((s) => (
              <tr key={s.segmentId}>
                <td>
                  <a href={href(`segments/${s.segmentId}`)}>{s.name}</a>
                </td>
                <td>{s.version}</td>
                <td>{s.asTag ? t('segments.yes') : ''}</td>
                <td>{s.publishedAt.slice(0, 10)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {may(me, 'segments.manage') &&
        (building ? (
          <SegmentBuilder initial={emptyDraft()} onPublished={(id, position) => go(`segments/${id}`, { waitFor: String(position) })} />
        ) : (
          <button type="button" onClick={() => setBuilding(true)}>
            {t('segments.new')}
          </button>
        ))}
    </>
  );
}

/** `waitFor`: the position of a version just published, which the membership read model is to hold before it answers. */
export function SegmentPage({ me, id, waitFor }: { me: Me; id: string; waitFor?: number }) {
  const { t } = useTranslation();
  const [segment, setSegment] = useState<Segment>();
  const [sizes, setSizes] = useState<SegmentSizes>();
  const [members, setMembers] = useState<SegmentMembers>();
  const [asOf, setAsOf] = useState(me.shop.today);
  const [revising, setRevising] = useState(false);
  const [error, setError] = useState('');
  const [written, setWritten] = useState(waitFor);
  useEffect(() => {
    gql<{ segment: Segment; segmentSizes: SegmentSizes }>(
      `query ($id: String!, $w: Float) { segment(segmentId: $id) { segmentId name version asTag status definition etag versions { version publishedAt publishedBy } }
         segmentSizes(segmentId: $id, every: "week", waitFor: $w) { segmentId points { date size } } }`,
      { id, w: written },
    )
      .then((d) => {
        setSegment(d.segment);
        setSizes(d.segmentSizes);
      })
      .catch((e: Error) => setError(e.message));
  }, [id, written]);
  useEffect(() => {
    gql<{ segmentMembers: SegmentMembers }>(
      'query ($id: String!, $asOf: String, $w: Float) { segmentMembers(segmentId: $id, asOf: $asOf, limit: 100, waitFor: $w) { asOf evaluated items { customerId since } nextCursor } }',
      { id, asOf, w: written },
    )
      .then((d) => setMembers(d.segmentMembers))
      .catch((e: Error) => setError(e.message));
  }, [id, asOf, written]);
  const chart = useMemo(
    () =>
      sizes && {
        type: 'line' as const,
        data: {
          labels: sizes.points.map((p) => p.date),
          datasets: [{ label: t('segments.size'), data: sizes.points.map((p) => p.size), borderColor: '#1d4ed8', backgroundColor: '#1d4ed8' }],
        },
        options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
      },
    [sizes],
  );
  if (!segment) return <ErrorNote error={error} />;
  return (
    <>
      <h1>
        {segment.name} <small>{t('segments.versionOf', { version: segment.version, status: t(`segments.status.${segment.status}`) })}</small>
      </h1>
      <ErrorNote error={error} />
      <section aria-labelledby="size-title">
        <h2 id="size-title">{t('segments.sizeOverTime')}</h2>
        {chart && <ChartView config={chart} label={t('segments.sizeOverTime')} />}
      </section>
      <section aria-labelledby="members-title">
        <h2 id="members-title">{t('segments.members')}</h2>
        <label>
          {t('common.asOf')} <input type="date" value={asOf} onChange={(e) => e.target.value && setAsOf(e.target.value)} />
        </label>
        <p>{t('segments.membersShown', { count: members?.items.length ?? 0, more: members?.nextCursor ? '+' : '' })}</p>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('common.customer')}</th>
              <th scope="col">{t('segments.since')}</th>
            </tr>
          </thead>
          <tbody>
            {members?.items.map((m) => (
              <tr key={m.customerId}>
                <td>
                  <a href={href(`customers/${m.customerId}`)}>{m.customerId.slice(0, 8)}</a>
                </td>
                <td>{m.since ?? '-'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {may(me, 'segments.manage') &&
        segment.status === 'active' &&
        (revising ? (
          <SegmentBuilder
            initial={draftFrom(segment.segmentId, segment.definition as Parameters<typeof draftFrom>[1], segment.asTag)}
            onPublished={(_, position) => {
              setRevising(false);
              setWritten(position);
            }}
          />
        ) : (
          <button type="button" onClick={() => setRevising(true)}>
            {t('segments.edit')}
          </button>
        ))}
    </>
  );
}
