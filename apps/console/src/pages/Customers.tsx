// Customer search: by ref (exact), or by name, tag, tier and lifecycle as of a date, paged.
import { FormEvent, useEffect, useState } from 'react';
import { download, gql, Me, may } from '../api';
import { useTranslation } from 'react-i18next';
import { go, href } from '../router';
import { word } from '../i18n';
import { ErrorNote } from '../components/Error';
import { money } from '../entry-text';
import { count as counted, shopDay } from '../format';
import { language } from '../i18n';
import type { Customer, Lifecycle, Tier } from '../generated/graphql';

const LIFECYCLES = ['PROSPECT', 'NEW_ONCE', 'NEW_REPEAT', 'OLD_ONCE', 'OLD_REPEAT', 'SILENT', 'SLEEPING', 'LOST'];

/** A list row as LIST selects it of the schema's Customer. */
type Row = Pick<Customer, 'id' | 'customerRef' | 'name' | 'netSpend' | 'purchaseCount' | 'lastPurchaseAt' | 'tags'> & {
  tier: Pick<Tier, 'tier'>;
  lifecycle: Pick<Lifecycle, 'lifecycle'>;
};

const FILTER_ARGS = 'asOf: $asOf, name: $name, tag: $tag, tier: $tier, lifecycle: $lifecycle';
const FILTER_VARS = '$asOf: String, $name: String, $tag: String, $tier: String, $lifecycle: String';
const LIST = `query (${FILTER_VARS}, $sort: String, $after: String, $waitFor: Float) {
  customers(${FILTER_ARGS}, sort: $sort, first: 25, after: $after, waitFor: $waitFor) {
    edges { node { id customerRef name netSpend purchaseCount lastPurchaseAt tags tier { tier } lifecycle { lifecycle } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
// Asked apart from the page, so that the page shows without waiting for the count.
const COUNT = `query (${FILTER_VARS}, $waitFor: Float) { customers(${FILTER_ARGS}, first: 1, waitFor: $waitFor) { totalCount } }`;

/** The sortable columns: the first click orders them as staff read them first (spend and recency: largest, newest). */
const SORTS = { ref: 'ref', netSpend: '-netSpend', lastPurchase: '-lastPurchase' } as const;
type SortColumn = keyof typeof SORTS;

export function CustomersPage({ me, query }: { me: Me; query: URLSearchParams }) {
  const filters = Object.fromEntries(['name', 'tag', 'tier', 'lifecycle', 'asOf', 'sort', 'after'].map((k) => [k, query.get(k) || undefined]));
  const { t } = useTranslation();
  const [rows, setRows] = useState<Row[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [tiers, setTiers] = useState<string[]>();
  const [error, setError] = useState('');
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [bulkTag, setBulkTag] = useState('');
  const [done, setDone] = useState('');
  const [waitFor, setWaitFor] = useState<number | undefined>();
  const [total, setTotal] = useState<number>();
  const asOf = filters.asOf ?? me.shop.today;
  const canTag = may(me, 'customers.update');
  const { after: _after, sort: _sort, ...filtersOnly } = filters;

  useEffect(() => {
    setError('');
    gql<{ customers: { edges: Array<{ node: Row }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>(LIST, { ...filters, asOf, waitFor })
      .then(({ customers }) => {
        setRows(customers.edges.map((e) => e.node));
        setNext(customers.pageInfo.hasNextPage ? customers.pageInfo.endCursor : null);
      })
      .catch((e: Error) => setError(e.message));
  }, [query.toString(), waitFor]);
  useEffect(() => {
    setTotal(undefined);
    gql<{ customers: { totalCount: number } }>(COUNT, { ...filtersOnly, asOf, waitFor })
      .then(({ customers }) => setTotal(customers.totalCount))
      .catch(() => setTotal(undefined));
  }, [JSON.stringify(filtersOnly), waitFor]);

  /** A header that orders the list by its column (again: the other way), from the first page. */
  const sortHeader = (column: SortColumn, label: string, className?: string) => {
    const current = filters.sort === SORTS[column] ? SORTS[column] : filters.sort === flip(SORTS[column]) ? flip(SORTS[column]) : undefined;
    const nextSort = current === undefined ? SORTS[column] : flip(current);
    return (
      <th scope="col" className={className} aria-sort={current === undefined ? 'none' : current.startsWith('-') ? 'descending' : 'ascending'}>
        <a href={href('customers', { ...filters, after: undefined, sort: nextSort })} className="sort">
          {label}
          <span aria-hidden="true">{current === undefined ? '' : current.startsWith('-') ? ' ▼' : ' ▲'}</span>
        </a>
      </th>
    );
  };
  useEffect(() => setSelected(new Set()), [query.toString()]);

  /** Tags or untags every selected customer (one command each, in turn), then reads the page again after the last. */
  const tagSelected = async (mutation: 'tagCustomer' | 'untagCustomer') => {
    setError('');
    setDone('');
    let last: number | undefined;
    let count = 0;
    try {
      for (const id of selected) {
        const answer = await gql<Record<string, { position: number }>>(`mutation ($id: ID!, $tag: String!) { ${mutation}(customerId: $id, tag: $tag) { position } }`, {
          id,
          tag: bulkTag.trim(),
        });
        last = answer[mutation].position;
        count++;
      }
    } catch (e) {
      setError((e as Error).message);
    }
    setDone(t(mutation === 'tagCustomer' ? 'customers.tagged' : 'customers.untagged', { count, tag: bulkTag.trim() }));
    if (last !== undefined) setWaitFor(last);
  };
  const toggle = (id: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  // Tier codes to choose from: those of every published rule set, the one in force first, each lowest first.
  useEffect(() => {
    if (!may(me, 'ruleSets.read')) return;
    gql<{ ruleSets: { inForce: string; items: Array<{ id: string; tiers: Array<{ code: string; threshold: string }> }> } }>(
      '{ ruleSets { inForce items { id tiers { code threshold } } } }',
    )
      .then(({ ruleSets }) => {
        const ordered = [...ruleSets.items].sort((a, b) => Number(b.id === ruleSets.inForce) - Number(a.id === ruleSets.inForce));
        setTiers([...new Set(ordered.flatMap((r) => [...r.tiers].sort((a, b) => Number(a.threshold) - Number(b.threshold)).map((x) => x.code)))]);
      })
      .catch(() => setTiers(undefined));
  }, []);

  const search = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = Object.fromEntries([...new FormData(e.currentTarget)].map(([k, v]) => [k, String(v).trim() || undefined]));
    if (form.ref) {
      try {
        const { customerByRef } = await gql<{ customerByRef: { id: string } }>('query ($ref: String!) { customerByRef(ref: $ref) { id } }', { ref: form.ref });
        go(`customers/${customerByRef.id}`, { asOf: form.asOf });
      } catch (err) {
        setError((err as Error).message);
      }
      return;
    }
    go('customers', { name: form.name, tag: form.tag, tier: form.tier, lifecycle: form.lifecycle, asOf: form.asOf, sort: filters.sort });
  };

  return (
    <section aria-labelledby="search-title">
      <h1 id="search-title">{t('customers.title')}</h1>
      <form className="filters" onSubmit={search} role="search">
        <label>
          {t('customers.ref')}
          <input name="ref" placeholder={t('customers.refHint')} />
        </label>
        <label>
          {t('customers.name')}
          <input name="name" defaultValue={filters.name} />
        </label>
        <label>
          {t('customers.tag')}
          <input name="tag" defaultValue={filters.tag} />
        </label>
        <label>
          {t('customers.tier')}
          {tiers ? (
            <select name="tier" defaultValue={filters.tier ?? ''}>
              <option value="">{t('customers.any')}</option>
              {tiers.map((code) => (
                <option key={code} value={code}>
                  {code}
                </option>
              ))}
            </select>
          ) : (
            <input name="tier" defaultValue={filters.tier} placeholder={t('customers.tierHint')} pattern="[A-Z][A-Z0-9_]*" />
          )}
        </label>
        <label>
          {t('customers.lifecycle')}
          <select name="lifecycle" defaultValue={filters.lifecycle ?? ''}>
            <option value="">{t('customers.any')}</option>
            {LIFECYCLES.map((l) => (
              <option key={l} value={l}>
                {word('lifecycle', l)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('common.asOf')}
          <input name="asOf" type="date" defaultValue={asOf} />
        </label>
        <button type="submit">{t('customers.search')}</button>
        <button
          type="button"
          onClick={() =>
            download('customers/export', { name: filters.name, tag: filters.tag, tier: filters.tier, lifecycle: filters.lifecycle, asOf }).catch((e: Error) => setError(e.message))
          }
        >
          {t('customers.export')}
        </button>
      </form>
      <ErrorNote error={error} />
      {canTag && (
        <form
          className="filters"
          aria-label={t('customers.bulk')}
          onSubmit={(e) => {
            e.preventDefault();
            void tagSelected('tagCustomer');
          }}
        >
          <label>
            {t('customers.bulkTag', { count: selected.size })}
            <input value={bulkTag} onChange={(e) => setBulkTag(e.target.value)} required />
          </label>
          <button type="submit" disabled={selected.size === 0}>
            {t('customers.tagSelected')}
          </button>
          <button type="button" disabled={selected.size === 0 || !bulkTag.trim()} onClick={() => void tagSelected('untagCustomer')}>
            {t('customers.untagSelected')}
          </button>
          {done && <span role="status">{done}</span>}
        </form>
      )}
      <table>
        <caption>
          {total === undefined
            ? t('customers.caption', { asOf, count: rows.length })
            : t('customers.captionTotal', { asOf, count: total, total: counted(total), shown: rows.length })}
        </caption>
        <thead>
          <tr>
            {canTag && (
              <th scope="col">
                <input
                  type="checkbox"
                  aria-label={t('customers.selectAll')}
                  checked={rows.length > 0 && rows.every((r) => selected.has(r.id))}
                  onChange={(e) => setSelected(new Set(e.target.checked ? rows.map((r) => r.id) : []))}
                />
              </th>
            )}
            {sortHeader('ref', t('customers.colRef'))}
            <th scope="col">{t('customers.name')}</th>
            <th scope="col">{t('customers.tier')}</th>
            <th scope="col">{t('customers.lifecycle')}</th>
            {sortHeader('netSpend', t('customers.netSpend', { currency: me.shop.currency }), 'num')}
            <th scope="col" className="num wide">
              {t('customers.purchases')}
            </th>
            {sortHeader('lastPurchase', t('customers.lastPurchase'), 'wide')}
            <th scope="col" className="wide">
              {t('customers.tags')}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              {canTag && (
                <td>
                  <input
                    type="checkbox"
                    aria-label={t('customers.select', { ref: r.customerRef ?? r.id.slice(0, 8) })}
                    checked={selected.has(r.id)}
                    onChange={() => toggle(r.id)}
                  />
                </td>
              )}
              <td>
                <a href={href(`customers/${r.id}`, { asOf: filters.asOf })}>{r.customerRef ?? r.id.slice(0, 8)}</a>
              </td>
              <td>{r.name ?? <em>{t('customers.notGiven')}</em>}</td>
              <td>{r.tier.tier ?? '-'}</td>
              <td>{word('lifecycle', r.lifecycle.lifecycle)}</td>
              <td className="num">{money(r.netSpend, me.shop.currency, language())}</td>
              <td className="num wide">{counted(r.purchaseCount)}</td>
              <td className="wide">{r.lastPurchaseAt ? shopDay(r.lastPurchaseAt) : '-'}</td>
              <td className="wide">{r.tags.join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <nav aria-label={t('common.pages')} className="pager">
        {filters.after && <a href={href('customers', { ...filters, after: undefined })}>{t('customers.firstPage')}</a>}
        {next && <a href={href('customers', { ...filters, after: next })}>{t('customers.nextPage')}</a>}
      </nav>
    </section>
  );
}

const flip = (sort: string) => (sort.startsWith('-') ? sort.slice(1) : `-${sort}`);
