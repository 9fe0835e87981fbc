// The console speaks the product's own API: REST to sign in, GraphQL for the
// rest, graphql-ws for the live timeline. The token lives in sessionStorage:
// closing the tab signs out.
import { createClient, Client } from 'graphql-ws';
import { errorText, t } from './i18n';

const TOKEN_KEY = 'crm.token';

/** Who is signed in (the schema's Me, as the console selects it). */
import type { Me as WhoAmI } from './generated/graphql';

export type Me = Pick<WhoAmI, 'username' | 'name' | 'role' | 'operations' | 'shop'>;
export const ME_QUERY = '{ whoAmI { username name role operations shop { timezone currency today } } }';

/** What a mutation answers: the position to pass as waitFor on the reads after it. */
export interface Written {
  position: number;
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export const token = () => sessionStorage.getItem(TOKEN_KEY);

export async function signIn(username: string, password: string): Promise<void> {
  const res = await fetch('/api/v1/auth/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(body.detail ?? t('login.failed'), body.code);
  sessionStorage.setItem(TOKEN_KEY, body.accessToken);
}

export function signOut(): void {
  sessionStorage.removeItem(TOKEN_KEY);
  wsClient?.dispose();
  wsClient = undefined;
}

export async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${token()}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json().catch(() => ({ errors: [{ message: `HTTP ${res.status}` }] }));
  if (body.errors?.length) {
    const first = body.errors[0];
    if (first.extensions?.code === 'UNAUTHENTICATED') signOut();
    throw new ApiError(errorText(first.message, first.extensions?.reason, first.extensions?.code), first.extensions?.code);
  }
  return body.data as T;
}

/** A REST GET answered as a file (CSV exports), saved by the browser under the name the server gives. */
export async function download(path: string, query: Record<string, string | undefined>): Promise<void> {
  const params = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => !!e[1]));
  const res = await fetch(`/api/v1/${path}?${params}`, { headers: { authorization: `Bearer ${token()}` } });
  if (!res.ok) {
    const body = await res.json().catch(() => ({}));
    throw new ApiError(errorText(body.detail ?? `HTTP ${res.status}`, body.code), body.code);
  }
  saveFile(await res.blob(), /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'export.csv');
}

/** Hands the browser a file to save under the name given. */
export function saveFile(blob: Blob, name: string): void {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

let wsClient: Client | undefined;

/** Calls onData with each payload until the returned function is called. */
export function subscribe<T>(query: string, variables: Record<string, unknown>, onData: (data: T) => void): () => void {
  wsClient ??= createClient({
    url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
    connectionParams: () => ({ authorization: `Bearer ${token()}` }),
    retryAttempts: Infinity,
  });
  return wsClient.subscribe<T>({ query, variables }, { next: (m) => m.data && onData(m.data), error: () => undefined, complete: () => undefined });
}

export const may = (me: Me | undefined, operation: string) => !!me?.operations?.includes(operation);
