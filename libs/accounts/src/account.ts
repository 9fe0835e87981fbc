// The accounts stream: every account and API key, their roles and grants, as
// events (who granted what, when: the actor is in each event's metadata).
// One stream: a shop has tens of accounts, and a username must be unique.
// Secrets never enter the log: passwords are hashed in their own table, and
// an API key's event holds only a hash of its secret.
import type { RecordedEvent } from '@crm/event-store';
import type { Operation, Role } from '@crm/shared';

export const ACCOUNTS_STREAM = 'accounts';

export type AccountEvent =
  | { type: 'AccountCreated'; data: { accountId: string; username: string; role: Role } }
  | { type: 'AccountRoleChanged'; data: { accountId: string; from: Role; to: Role } }
  | { type: 'AccountDisabled'; data: { accountId: string; reason?: string } }
  | { type: 'AccountEnabled'; data: { accountId: string } }
  | { type: 'AccountPasswordChanged'; data: { accountId: string } }
  | { type: 'ApiKeyIssued'; data: { keyId: string; name: string; operations: Operation[]; secretHash: string } }
  | { type: 'ApiKeyRevoked'; data: { keyId: string } };

export type AccountEventType = AccountEvent['type'];

export interface Account {
  accountId: string;
  username: string;
  role: Role;
  disabled: boolean;
  /** Bumped by each password change: tokens issued before it stop working. */
  passwordVersion: number;
}

export interface ApiKey {
  keyId: string;
  name: string;
  operations: readonly Operation[];
  secretHash: string;
  revoked: boolean;
}

export interface Accounts {
  /** Maps: ids and names come from callers ("constructor" included). */
  byId: ReadonlyMap<string, Account>;
  byUsername: ReadonlyMap<string, string>;
  apiKeys: ReadonlyMap<string, ApiKey>;
}

export const initialAccounts = (): Accounts => ({ byId: new Map(), byUsername: new Map(), apiKeys: new Map() });

function withAccount(state: Accounts, accountId: string, change: (a: Account) => Account): Accounts {
  const account = state.byId.get(accountId);
  return account ? { ...state, byId: new Map(state.byId).set(accountId, change(account)) } : state;
}

export function evolve(state: Accounts, event: AccountEvent): Accounts {
  switch (event.type) {
    case 'AccountCreated': {
      const { accountId, username, role } = event.data;
      return {
        ...state,
        byId: new Map(state.byId).set(accountId, { accountId, username, role, disabled: false, passwordVersion: 1 }),
        byUsername: new Map(state.byUsername).set(username, accountId),
      };
    }
    case 'AccountRoleChanged':
      return withAccount(state, event.data.accountId, (a) => ({ ...a, role: event.data.to }));
    case 'AccountDisabled':
      return withAccount(state, event.data.accountId, (a) => ({ ...a, disabled: true }));
    case 'AccountEnabled':
      return withAccount(state, event.data.accountId, (a) => ({ ...a, disabled: false }));
    case 'AccountPasswordChanged':
      return withAccount(state, event.data.accountId, (a) => ({ ...a, passwordVersion: a.passwordVersion + 1 }));
    case 'ApiKeyIssued': {
      const { keyId, name, operations, secretHash } = event.data;
      return { ...state, apiKeys: new Map(state.apiKeys).set(keyId, { keyId, name, operations, secretHash, revoked: false }) };
    }
    case 'ApiKeyRevoked': {
      const key = state.apiKeys.get(event.data.keyId);
      return key ? { ...state, apiKeys: new Map(state.apiKeys).set(key.keyId, { ...key, revoked: true }) } : state;
    }
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

const ACCOUNT_EVENT_TYPES: ReadonlySet<string> = new Set<AccountEventType>([
  'AccountCreated',
  'AccountRoleChanged',
  'AccountDisabled',
  'AccountEnabled',
  'AccountPasswordChanged',
  'ApiKeyIssued',
  'ApiKeyRevoked',
]);

/** The seam from a stored event to an account event. */
export function decodeAccountEvent(recorded: Pick<RecordedEvent, 'type' | 'data'>): AccountEvent {
  if (!ACCOUNT_EVENT_TYPES.has(recorded.type)) throw new Error(`not an account event: ${recorded.type}`);
  return { type: recorded.type, data: recorded.data } as AccountEvent;
}

/** Which account or key an event is about. */
export function subjectOf(event: AccountEvent): string {
  return 'accountId' in event.data ? event.data.accountId : event.data.keyId;
}
