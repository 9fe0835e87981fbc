// Hash routes (#/customers/ID?asOf=...): the server serves one page at /, and
// every REST and GraphQL path stays the API's own.
import { useEffect, useState } from 'react';

export interface Route {
  path: string[];
  query: URLSearchParams;
}

const read = (): Route => {
  const [path, query = ''] = location.hash.replace(/^#\/?/, '').split('?');
  return { path: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(query) };
};

export function useRoute(): Route {
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const changed = () => setRoute(read());
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return route;
}

export function href(path: string, query: Record<string, string | undefined> = {}): string {
  const q = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => !!e[1]));
  return `#/${path}${q.size ? `?${q}` : ''}`;
}

export const go = (path: string, query: Record<string, string | undefined> = {}) => {
  location.hash = href(path, query);
};
