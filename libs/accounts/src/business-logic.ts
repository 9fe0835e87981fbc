// Decisions on accounts and API keys: pure, over the accounts stream's state.
// A username is unique; the last enabled admin can be neither disabled nor
// demoted (nobody could administer the shop again); an API key is granted
// only the integration operations of the matrix.
import { conflict, INTEGRATION_OPERATIONS, invalid, notFound, Operation, refused, Role } from '@crm/shared';
import { Accounts, AccountEvent } from './account';

export const USERNAME = /^[a-z0-9][a-z0-9._@-]{0,63}$/;

export type AccountCommand =
  | { type: 'CreateAccount'; accountId: string; username: string; role: Role }
  | { type: 'ChangeRole'; accountId: string; role: Role }
  | { type: 'DisableAccount'; accountId: string; reason?: string }
  | { type: 'EnableAccount'; accountId: string }
  | { type: 'ChangePassword'; accountId: string }
  | { type: 'IssueApiKey'; keyId: string; name: string; operations: readonly Operation[]; secretHash: string }
  | { type: 'RevokeApiKey'; keyId: string };

function accountOf(state: Accounts, accountId: string) {
  const account = state.byId.get(accountId);
  if (!account) throw notFound('AccountNotFound', `account ${accountId} not found`, { accountId });
  return account;
}

function enabledAdmins(state: Accounts): number {
  return [...state.byId.values()].filter((a) => a.role === 'admin' && !a.disabled).length;
}

function keepAnAdmin(state: Accounts, accountId: string, what: string): void {
  const account = accountOf(state, accountId);
  if (account.role === 'admin' && !account.disabled && enabledAdmins(state) === 1) {
    throw refused('LastAdmin', `${account.username} is the last enabled admin: ${what} would leave nobody to administer the shop`, { accountId });
  }
}

export function decide(command: AccountCommand, state: Accounts): AccountEvent[] {
  switch (command.type) {
    case 'CreateAccount': {
      const { accountId, username, role } = command;
      if (!USERNAME.test(username)) throw invalid('InvalidUsername', 'username must be 1-64 lower-case letters, digits or . _ @ -, starting with a letter or digit');
      if (state.byUsername.has(username)) throw conflict('UsernameTaken', `username ${username} is taken`, { username, accountId: state.byUsername.get(username) });
      return [{ type: 'AccountCreated', data: { accountId, username, role } }];
    }
    case 'ChangeRole': {
      const account = accountOf(state, command.accountId);
      if (account.role === command.role) return [];
      if (command.role !== 'admin') keepAnAdmin(state, command.accountId, 'this change');
      return [{ type: 'AccountRoleChanged', data: { accountId: command.accountId, from: account.role, to: command.role } }];
    }
    case 'DisableAccount': {
      if (accountOf(state, command.accountId).disabled) return [];
      keepAnAdmin(state, command.accountId, 'disabling it');
      return [{ type: 'AccountDisabled', data: { accountId: command.accountId, ...(command.reason ? { reason: command.reason } : {}) } }];
    }
    case 'EnableAccount':
      return accountOf(state, command.accountId).disabled ? [{ type: 'AccountEnabled', data: { accountId: command.accountId } }] : [];
    case 'ChangePassword':
      accountOf(state, command.accountId);
      return [{ type: 'AccountPasswordChanged', data: { accountId: command.accountId } }];
    case 'IssueApiKey': {
      const operations = [...new Set(command.operations)];
      if (operations.length === 0) throw invalid('NoOperations', 'an API key needs at least one operation');
      const notGrantable = operations.filter((o) => !INTEGRATION_OPERATIONS.has(o));
      if (notGrantable.length > 0) {
        throw refused('OperationNotGrantable', `an API key cannot be granted ${notGrantable.join(', ')}: keys are for shop systems, not administration`, {
          operations: notGrantable,
        });
      }
      return [{ type: 'ApiKeyIssued', data: { keyId: command.keyId, name: command.name, operations, secretHash: command.secretHash } }];
    }
    case 'RevokeApiKey': {
      const key = state.apiKeys.get(command.keyId);
      if (!key) throw notFound('ApiKeyNotFound', `API key ${command.keyId} not found`, { keyId: command.keyId });
      return key.revoked ? [] : [{ type: 'ApiKeyRevoked', data: { keyId: command.keyId } }];
    }
    default: {
      const unknown: never = command;
      return unknown;
    }
  }
}
