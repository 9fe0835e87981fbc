// The accounts capability's application layer: signing in, checking a
// credential on every request, and the administration of accounts and API
// keys (admin only, checked against the matrix here for every transport).
// Credentials are checked against a directory in memory, folded from the
// accounts stream: no database round trip per request. It follows this
// process's own writes at once and other processes' within DIRECTORY_TTL_MS.
import { Inject, Injectable, Logger, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SQL_CLIENT, SqlClient } from '@crm/database';
import type { Migration } from '@crm/database';
import { CommandResult, EVENT_STORE, EventStore } from '@crm/event-store';
import {
  allow,
  APP_CONFIG,
  AppConfig,
  contextFor,
  DomainError,
  invalid,
  isOperation,
  notFound,
  Operation,
  Principal,
  RequestContext,
  Role,
  ROLE_OPERATIONS,
  shopDate,
  unauthenticated,
} from '@crm/shared';
import { Accounts, ACCOUNTS_STREAM, decodeAccountEvent, evolve, initialAccounts, subjectOf } from './account';
import { AccountCommand } from './business-logic';
import { ExecuteAccountCommand } from './account-commands';
import { newApiKey, parseApiKey, secretMatches, TokenSigner } from './credentials';
import { hashPassword, passwordProblem, verifyNothing, verifyPassword } from './passwords';

export const accountMigrations: Migration[] = [
  {
    id: '0007_account_passwords',
    sql: `
CREATE TABLE crm_account_passwords (
  account_id    text PRIMARY KEY,
  password_hash text NOT NULL,
  changed_at    timestamptz NOT NULL DEFAULT now()
);`,
  },
];

export const TOKEN_SIGNER = Symbol('TOKEN_SIGNER');
/** Provided by the API process: its first start makes the first admin (the CLI never does). */
export const FIRST_ADMIN_ON_START = Symbol('FIRST_ADMIN_ON_START');
/** Set only by benchmarks that measure what authentication costs: the principal of a request without credentials. */
export const UNAUTHENTICATED_PRINCIPAL = Symbol('UNAUTHENTICATED_PRINCIPAL');

const DIRECTORY_TTL_MS = 2_000;
const TOKEN_CACHE_SIZE = 10_000;

export interface AccountView {
  accountId: string;
  username: string;
  role: Role;
  disabled: boolean;
}

@Injectable()
export class AccountsService implements OnApplicationBootstrap {
  private readonly logger = new Logger('accounts');
  private directory: Accounts = initialAccounts();
  private version = 0;
  private refreshedAt = 0;
  private refreshing?: Promise<void>;
  /** Tokens already verified (signature, expiry): the HMAC is computed once a token. */
  private readonly verified = new Map<string, { accountId: string; passwordVersion: number; expiresAtMs: number }>();

  constructor(
    private readonly commands: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(TOKEN_SIGNER) private readonly signer: TokenSigner,
    @Optional() @Inject(FIRST_ADMIN_ON_START) private readonly firstAdminOnStart?: boolean,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.refresh();
    if (this.firstAdminOnStart && this.directory.byId.size === 0) await this.bootstrapFirstAdmin();
  }

  /** Reads the accounts stream past what the directory has folded. */
  private refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      try {
        const events = await this.store.readStream(ACCOUNTS_STREAM, { from: this.version + 1 });
        for (const recorded of events) {
          if (recorded.streamVersion !== this.version + 1) continue;
          this.directory = evolve(this.directory, decodeAccountEvent(recorded));
          this.version = recorded.streamVersion;
        }
        this.refreshedAt = Date.now();
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  /**
   * Other processes' changes (a disabled account, a revoked key) within
   * DIRECTORY_TTL_MS, without waiting on the request path. A failed refresh
   * is tried again after the same interval (not on every request) and logged
   * once until one succeeds: an outage is one line, not one a request.
   */
  private refreshInBackground(): void {
    const now = Date.now();
    if (now - Math.max(this.refreshedAt, this.failedAt) <= DIRECTORY_TTL_MS || this.refreshing) return;
    this.refresh().then(
      () => {
        if (this.failedAt > 0) this.logger.log('accounts refreshed again');
        this.failedAt = 0;
      },
      (error: unknown) => {
        if (this.failedAt === 0)
          this.logger.warn(`could not refresh accounts: ${error instanceof Error ? error.message : String(error)} (retrying every ${DIRECTORY_TTL_MS / 1000} s)`);
        this.failedAt = Date.now();
      },
    );
  }

  private failedAt = 0;

  private async run(command: AccountCommand, ctx: RequestContext): Promise<CommandResult> {
    const result = await this.commands.execute(new ExecuteAccountCommand(command, ctx, ctx.principal.kind === 'operator' ? 'system' : 'api'));
    await this.refresh();
    return result;
  }

  // --- signing in and checking credentials (the transports' authentication) ---

  /** A token for a username and password; the same 401 for an unknown name, a wrong password and a disabled account. */
  async login(username: string, password: string): Promise<{ accessToken: string; expiresAt: string; tokenType: 'Bearer' }> {
    this.refreshInBackground();
    const account = this.accountByUsername(username);
    const [row] = account ? await this.sql.query<{ password_hash: string }>('SELECT password_hash FROM crm_account_passwords WHERE account_id = $1', [account.accountId]) : [];
    const ok = row ? await verifyPassword(password, row.password_hash) : await verifyNothing(password);
    if (!ok || !account || account.disabled) throw unauthenticated('wrong username or password, or the account is disabled');
    return { ...(await this.signer.sign({ accountId: account.accountId, passwordVersion: account.passwordVersion })), tokenType: 'Bearer' };
  }

  /** The principal of a bearer credential (an access token or an API key), or 401. */
  async authenticate(credential: string): Promise<Principal> {
    this.refreshInBackground();
    const apiKey = parseApiKey(credential);
    if (apiKey) {
      const key = this.directory.apiKeys.get(apiKey.keyId);
      if (!key || key.revoked || !secretMatches(apiKey.secret, key.secretHash)) throw unauthenticated('this API key is unknown or revoked');
      return { kind: 'apiKey', id: key.keyId, name: key.name, operations: new Set(key.operations) };
    }
    const claims = await this.verifyToken(credential);
    const account = claims ? this.directory.byId.get(claims.accountId) : undefined;
    if (!claims || !account || account.disabled || account.passwordVersion !== claims.passwordVersion) {
      throw unauthenticated('the access token is invalid or expired, or its account is disabled: get a new one from POST /api/v1/auth/token');
    }
    return { kind: 'account', id: account.accountId, username: account.username, role: account.role };
  }

  private async verifyToken(token: string) {
    const cached = this.verified.get(token);
    if (cached) {
      if (cached.expiresAtMs > Date.now()) return cached;
      this.verified.delete(token);
      return undefined;
    }
    const claims = await this.signer.verify(token);
    if (claims) {
      if (this.verified.size >= TOKEN_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value as string);
      this.verified.set(token, claims);
    }
    return claims;
  }

  private accountByUsername(username: string) {
    const id = this.directory.byUsername.get(username.toLowerCase());
    return id !== undefined ? this.directory.byId.get(id) : undefined;
  }

  whoAmI(ctx: RequestContext) {
    const p = ctx.principal;
    // What the role may do, from the one matrix, so that a client (the console) offers only that.
    // The shop's calendar and currency come along: a client shows dates and money as the shop does.
    const shop = { timezone: this.config.shopTimezone, currency: this.config.shopCurrency, today: shopDate(new Date(), this.config.shopTimezone) };
    if (p.kind === 'account')
      return { kind: p.kind, accountId: p.id, username: p.username, role: p.role, operations: [...(ROLE_OPERATIONS.get(p.role) ?? [])], actor: ctx.actor, shop };
    if (p.kind === 'apiKey') return { kind: p.kind, keyId: p.id, name: p.name, operations: [...p.operations], actor: ctx.actor, shop };
    return { kind: p.kind, name: p.name, actor: ctx.actor, shop };
  }

  // --- administration (admin) ---

  async create(input: { username: string; password: string; role: Role }, ctx: RequestContext) {
    allow(ctx, 'accounts.manage');
    return this.createAccount(input, ctx);
  }

  private async createAccount(input: { username: string; password: string; role: Role }, ctx: RequestContext) {
    const problem = passwordProblem(input.password);
    if (problem) throw invalid('WeakPassword', problem);
    // The password row first, under a fresh id: an account event never exists without its password,
    // and a refused creation (a taken name) removes the row again.
    const accountId = randomUUID();
    await this.sql.query('INSERT INTO crm_account_passwords (account_id, password_hash) VALUES ($1, $2)', [accountId, await hashPassword(input.password)]);
    try {
      const result = await this.run({ type: 'CreateAccount', accountId, username: input.username, role: input.role }, ctx);
      return { ids: { accountId, username: input.username, role: input.role }, result };
    } catch (error) {
      await this.sql.query('DELETE FROM crm_account_passwords WHERE account_id = $1', [accountId]);
      throw error;
    }
  }

  /** `crm accounts create-admin`: an admin account made by the operator at the console. */
  createAdmin(username: string, password: string, operator: RequestContext) {
    allow(operator, 'accounts.manage');
    return this.createAccount({ username, password, role: 'admin' }, operator);
  }

  async changeRole(accountId: string, role: Role, ctx: RequestContext) {
    allow(ctx, 'accounts.manage');
    return { ids: { accountId, role }, result: await this.run({ type: 'ChangeRole', accountId, role }, ctx) };
  }

  async disable(accountId: string, reason: string | undefined, ctx: RequestContext) {
    allow(ctx, 'accounts.manage');
    return { ids: { accountId }, result: await this.run({ type: 'DisableAccount', accountId, reason }, ctx) };
  }

  async enable(accountId: string, ctx: RequestContext) {
    allow(ctx, 'accounts.manage');
    return { ids: { accountId }, result: await this.run({ type: 'EnableAccount', accountId }, ctx) };
  }

  /** A new password set by an admin (or the operator): the account's earlier tokens stop working. */
  async setPassword(accountId: string, password: string, ctx: RequestContext) {
    allow(ctx, 'accounts.manage');
    const problem = passwordProblem(password);
    if (problem) throw invalid('WeakPassword', problem);
    await this.refresh();
    if (!this.directory.byId.has(accountId)) throw notFound('AccountNotFound', `account ${accountId} not found`, { accountId });
    await this.sql.query(
      `INSERT INTO crm_account_passwords (account_id, password_hash) VALUES ($1, $2)
       ON CONFLICT (account_id) DO UPDATE SET password_hash = excluded.password_hash, changed_at = now()`,
      [accountId, await hashPassword(password)],
    );
    return { ids: { accountId }, result: await this.run({ type: 'ChangePassword', accountId }, ctx) };
  }

  async list(ctx: RequestContext): Promise<{ items: AccountView[]; version: number }> {
    allow(ctx, 'accounts.manage');
    await this.refresh();
    const items = [...this.directory.byId.values()].map(({ accountId, username, role, disabled }) => ({ accountId, username, role, disabled }));
    return { items: items.sort((a, b) => a.username.localeCompare(b.username)), version: this.version };
  }

  async accountIdOf(username: string): Promise<string | undefined> {
    await this.refresh();
    return this.accountByUsername(username)?.accountId;
  }

  /** Who created the account, granted and changed its roles, disabled it: from the accounts stream. */
  async history(accountId: string, ctx: RequestContext) {
    allow(ctx, 'accounts.manage');
    await this.refresh();
    const account = this.directory.byId.get(accountId);
    if (!account) throw notFound('AccountNotFound', `account ${accountId} not found`, { accountId });
    const events = await this.store.readStream(ACCOUNTS_STREAM);
    const items = events
      .map((recorded) => ({ recorded, event: decodeAccountEvent(recorded) }))
      .filter(({ event }) => subjectOf(event) === accountId)
      .map(({ recorded, event }) => ({
        type: event.type,
        data: event.data,
        actor: recorded.metadata.actor ?? null,
        recordedAt: recorded.recordedAt.toISOString(),
        position: recorded.position,
      }));
    return { accountId, username: account.username, role: account.role, disabled: account.disabled, items };
  }

  async issueApiKey(input: { name: string; operations: string[] }, ctx: RequestContext) {
    allow(ctx, 'apiKeys.manage');
    const unknown = input.operations.filter((o) => !isOperation(o));
    if (unknown.length > 0) throw invalid('UnknownOperation', `unknown operations: ${unknown.join(', ')}`, { operations: unknown });
    const { keyId, key, secretHash } = newApiKey();
    const result = await this.run({ type: 'IssueApiKey', keyId, name: input.name, operations: input.operations as Operation[], secretHash }, ctx);
    return { ids: { keyId, key, name: input.name, operations: [...new Set(input.operations)] }, result };
  }

  async listApiKeys(ctx: RequestContext) {
    allow(ctx, 'apiKeys.manage');
    await this.refresh();
    return { items: [...this.directory.apiKeys.values()].map(({ keyId, name, operations, revoked }) => ({ keyId, name, operations, revoked })) };
  }

  async revokeApiKey(keyId: string, ctx: RequestContext) {
    allow(ctx, 'apiKeys.manage');
    return { ids: { keyId }, result: await this.run({ type: 'RevokeApiKey', keyId }, ctx) };
  }

  /**
   * A fresh installation is never silently open: in development the first
   * start creates an `admin` with a generated password, printed and kept in
   * DATA_DIR/initial-admin-password; in production the operator runs
   * `crm accounts create-admin`.
   */
  private async bootstrapFirstAdmin(): Promise<void> {
    if (this.config.production) {
      this.logger.warn('no accounts yet: create the first admin with `npm run cli -- accounts create-admin <username>` (password on stdin)');
      return;
    }
    const password = randomBytes(18).toString('base64url');
    const operator = contextFor({ kind: 'operator', id: 'first-start', name: 'first-start' });
    try {
      await this.createAccount({ username: 'admin', password, role: 'admin' }, operator);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'UsernameTaken') return; // another process was first
      throw error;
    }
    const file = path.join(this.config.dataDir, 'initial-admin-password');
    fs.mkdirSync(this.config.dataDir, { recursive: true });
    fs.writeFileSync(file, `${password}\n`, { mode: 0o600 });
    this.logger.warn(
      `first start: created the account "admin" with the password ${password} (also in ${file}). ` +
        `Get a token: curl -s -XPOST localhost:${this.config.port}/api/v1/auth/token -H 'content-type: application/json' -d '{"username":"admin","password":"${password}"}'`,
    );
  }
}
