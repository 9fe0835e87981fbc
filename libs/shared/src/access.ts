// Who may do what: the one authorization matrix (roles x operations). The
// application services check it on every call, so REST, the CLI and GraphQL
// obey the same table. docs/security.md prints it; a test walks every cell.
import { userInfo } from 'node:os';
import { DomainError } from './domain-error';

export const OPERATIONS = {
  'customers.read': 'read customers, their tier, lifecycle and RFM',
  'customers.register': 'register customers',
  'customers.update': 'change profiles, tags and consent',
  'purchases.record': 'record purchases',
  'refunds.record': 'record refunds',
  'contacts.log': 'log care and marketing contacts',
  'timeline.read': "read a customer's timeline",
  'complaints.open': 'open complaints',
  'complaints.read': 'read complaints (an agent: those assigned to them)',
  'complaints.handle': 'assign, escalate, respond, resolve, reopen, rate (an agent: those assigned to them)',
  'complaints.readAll': 'read and handle every complaint, whoever it is assigned to',
  'ruleSets.read': 'read tier rule sets',
  'ruleSets.publish': 'publish tier rule sets',
  'ruleSets.simulate': 'simulate tier rule sets over the history',
  'ruleSets.activate': 'activate tier rule sets',
  'metrics.read': 'stickiness, service figures and RFM segments',
  'segments.read': 'read segments, their members and history',
  'segments.manage': 'publish, preview and retire segments',
  'campaigns.read': 'read campaigns, their results and recipients',
  'campaigns.manage': 'draft, backtest, launch and cancel campaigns',
  'customers.export': 'export customer lists (crm export)',
  'imports.run': 'import purchase and refund history (crm import)',
  'privacy.export': 'export everything held about one customer (access requests)',
  'privacy.erase': "erase a customer's personal data",
  'accounts.manage': 'create accounts, change roles, disable and enable them, read their history',
  'apiKeys.manage': 'issue, list and revoke API keys',
  'projections.rebuild': 'rebuild read models (crm rebuild)',
  'webhooks.manage': 'register and remove webhooks, read their deliveries, redeliver',
} as const;

export type Operation = keyof typeof OPERATIONS;
export const ALL_OPERATIONS = Object.keys(OPERATIONS) as Operation[];

export const ROLES = ['agent', 'manager', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const AGENT: readonly Operation[] = [
  'customers.read',
  'customers.register',
  'customers.update',
  'purchases.record',
  'refunds.record',
  'contacts.log',
  'timeline.read',
  'complaints.open',
  'complaints.read',
  'complaints.handle',
  'segments.read',
];
const MANAGER: readonly Operation[] = [
  ...AGENT,
  'complaints.readAll',
  'ruleSets.read',
  'ruleSets.publish',
  'ruleSets.simulate',
  'ruleSets.activate',
  'metrics.read',
  'segments.manage',
  'campaigns.read',
  'campaigns.manage',
  'customers.export',
  'imports.run',
];
/** An admin does all a manager does, and runs the system: accounts, keys, privacy requests, rebuilds. */
const ADMIN: readonly Operation[] = ALL_OPERATIONS;

export const ROLE_OPERATIONS: ReadonlyMap<Role, ReadonlySet<Operation>> = new Map([
  ['agent', new Set(AGENT)],
  ['manager', new Set(MANAGER)],
  ['admin', new Set(ADMIN)],
]);

/** What an API key for a shop system may be granted: the day-to-day data operations, never administration. */
export const INTEGRATION_OPERATIONS: ReadonlySet<Operation> = new Set<Operation>([
  ...AGENT,
  'complaints.readAll',
  'ruleSets.read',
  'metrics.read',
  'imports.run',
  'campaigns.read',
]);

export type Principal =
  | { kind: 'account'; id: string; username: string; role: Role }
  | { kind: 'apiKey'; id: string; name: string; operations: ReadonlySet<Operation> }
  /** The command line run by an operator with the database's credentials: it can do anything an admin can. */
  | { kind: 'operator'; id: string; name: string };

export function isOperation(value: string): value is Operation {
  return Object.hasOwn(OPERATIONS, value);
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function operationsOf(principal: Principal): ReadonlySet<Operation> {
  switch (principal.kind) {
    case 'account':
      return ROLE_OPERATIONS.get(principal.role) ?? new Set();
    case 'apiKey':
      return principal.operations;
    case 'operator':
      return new Set(ALL_OPERATIONS);
    default: {
      const unknown: never = principal;
      return unknown;
    }
  }
}

export function can(principal: Principal | undefined, operation: Operation): boolean {
  return principal !== undefined && operationsOf(principal).has(operation);
}

/** The name events record as their actor: the account's username, or the key's id. */
export function actorOf(principal: Principal): string {
  switch (principal.kind) {
    case 'account':
      return principal.username;
    case 'apiKey':
      return `api-key:${principal.id}`;
    case 'operator':
      return `cli:${principal.name}`;
    default: {
      const unknown: never = principal;
      return unknown;
    }
  }
}

export const unauthenticated = (message = 'credentials are required: send Authorization: Bearer <token or API key>') =>
  new DomainError('unauthenticated', 'Unauthenticated', message);

export const forbidden = (operation: Operation, why?: string) => new DomainError('forbidden', 'Forbidden', why ?? `this account may not ${OPERATIONS[operation]}`, { operation });

/** Refuses (403) unless the principal may perform the operation; 401 when nobody is signed in. */
export function authorize(principal: Principal | undefined, operation: Operation): asserts principal is Principal {
  if (principal === undefined) throw unauthenticated();
  if (!can(principal, operation)) throw forbidden(operation);
}

/** The operator at the console (the CLI), named by the operating-system user. */
export function operatorPrincipal(): Principal {
  let name = 'operator';
  try {
    name = userInfo().username || name;
  } catch {
    // no user database entry (some containers): keep the generic name
  }
  return { kind: 'operator', id: name, name };
}
