// Customer search: by ref (exact), or by name, tag, tier and lifecycle as of a date, paged.
import { FormEvent, useEffect, useState } from 'react';
import { gql, Me } from '../api';
import { go, href } from '../router';
import { ErrorNote } from '../components/Error';
import type { Customer, Lifecycle, Tier } from '../generated/graphql';

const LIFECYCLES = ['PROSPECT', 'NEW_ONCE', 'NEW_REPEAT', 'ACTIVE', 'SILENT', 'SLEEPING', 'LOST'];

/** A list row as LIST selects it of the schema's Customer. */
type Row = Pick<Customer, 'id' | 'customerRef' | 'name' | 'netSpend' | 'purchaseCount' | 'tags'> & { tier: Pick<Tier, 'tier'>; lifecycle: Pick<Lifecycle, 'lifecycle'> };

const LIST = `query ($asOf: String, $name: String, $tag: String, $tier: String, $lifecycle: String, $after: String) {
  customers(asOf: $asOf, name: $name, tag: $tag, tier: $tier, lifecycle: $lifecycle, first: 25, after: $after) {
    edges { node { id customerRef name netSpend purchaseCount tags tier { tier } lifecycle { lifecycle } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

export function CustomersPage({ me, query }: { me: Me; query: URLSearchParams }) {
  const filters = Object.fromEntries(['name', 'tag', 'tier', 'lifecycle', 'asOf', 'after'].map((k) => [k, query.get(k) || undefined]));
  const [rows, setRows] = useState<Row[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState('');
  const asOf = filters.asOf ?? me.shop.today;

  useEffect(() => {
    setError('');
    gql<{ customers: { edges: Array<{ node: Row }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>(LIST, { ...filters, asOf })
      .then(({ customers }) => {
        setRows(customers.edges.map((e) => e.node));
        setNext(customers.pageInfo.hasNextPage ? customers.pageInfo.endCursor : null);
      })
      .catch((e: Error) => setError(e.message));
  }, [query.toString()]);

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
    go('customers', { name: form.name, tag: form.tag, tier: form.tier, lifecycle: form.lifecycle, asOf: form.asOf });
  };

  return (
    <section aria-labelledby="search-title">
      <h1 id="search-title">Customers</h1>
      <form className="filters" onSubmit={search} role="search">
        <label>
          Customer ref
          <input name="ref" placeholder="exact, e.g. C-10086" />
        </label>
        <label>
          Name
          <input name="name" defaultValue={filters.name} />
        </label>
        <label>
          Tag
          <input name="tag" defaultValue={filters.tag} />
        </label>
        <label>
          Tier
          <input name="tier" defaultValue={filters.tier} placeholder="e.g. VIP" pattern="[A-Z][A-Z0-9_]*" />
        </label>
        <label>
          Lifecycle
          <select name="lifecycle" defaultValue={filters.lifecycle ?? ''}>
            <option value="">any</option>
            {LIFECYCLES.map((l) => (
              <option key={l}>{l}</option>
            ))}
          </select>
        </label>
        <label>
          As of
          <input name="asOf" type="date" defaultValue={asOf} />
        </label>
        <button type="submit">Search</button>
      </form>
      <ErrorNote error={error} />
      <table>
        <caption>
          As of {asOf}: {rows.length} shown
        </caption>
        <thead>
          <tr>
            <th scope="col">Ref</th>
            <th scope="col">Name</th>
            <th scope="col">Tier</th>
            <th scope="col">Lifecycle</th>
            <th scope="col" className="num">
              Net spend ({me.shop.currency})
            </th>
            <th scope="col" className="num">
              Purchases
            </th>
            <th scope="col">Tags</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              <td>
                <a href={href(`customers/${r.id}`, { asOf: filters.asOf })}>{r.customerRef ?? r.id.slice(0, 8)}</a>
              </td>
              <td>{r.name ?? <em>not given or erased</em>}</td>
              <td>{r.tier.tier ?? '-'}</td>
              <td>{r.lifecycle.lifecycle}</td>
              <td className="num">{r.netSpend}</td>
              <td className="num">{r.purchaseCount}</td>
              <td>{r.tags.join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <nav aria-label="Pages" className="pager">
        {filters.after && <a href={href('customers', { ...filters, after: undefined })}>First page</a>}
        {next && <a href={href('customers', { ...filters, after: next })}>Next page</a>}
      </nav>
    </section>
  );
}
