import { deciderSpec } from '../../../test/support/decider-spec';
import { Accounts, AccountEvent, evolve, initialAccounts } from './account';
import { AccountCommand, decide } from './business-logic';

const given = deciderSpec<Accounts, AccountEvent, AccountCommand>(initialAccounts, evolve, decide);
const created = (accountId: string, username: string, role: 'agent' | 'manager' | 'admin'): AccountEvent => ({ type: 'AccountCreated', data: { accountId, username, role } });
const root = created('a1', 'root', 'admin');
const alice = created('a2', 'alice', 'agent');

describe('accounts', () => {
  it('an account is created with its role', () => given().when({ type: 'CreateAccount', accountId: 'a1', username: 'root', role: 'admin' }).then([root]));
  it('a taken username is refused', () => given([root]).when({ type: 'CreateAccount', accountId: 'a9', username: 'root', role: 'agent' }).thenRefused('UsernameTaken', 'conflict'));
  it.each(['', 'Alice', 'a b', 'x'.repeat(65), '-lead', 'a\u0000'])('the username %j is refused', (username) =>
    given().when({ type: 'CreateAccount', accountId: 'a1', username, role: 'agent' }).thenRefused('InvalidUsername', 'invalid'),
  );
  it('"constructor" is a username like any other', () =>
    given([root])
      .when({ type: 'CreateAccount', accountId: 'a3', username: 'constructor', role: 'agent' })
      .then([created('a3', 'constructor', 'agent')]));
  it('a role change records from and to', () =>
    given([root, alice])
      .when({ type: 'ChangeRole', accountId: 'a2', role: 'manager' })
      .then([{ type: 'AccountRoleChanged', data: { accountId: 'a2', from: 'agent', to: 'manager' } }]));
  it('the same role again records nothing', () => given([root, alice]).when({ type: 'ChangeRole', accountId: 'a2', role: 'agent' }).thenNothing());
  it('the last enabled admin cannot be demoted', () => given([root, alice]).when({ type: 'ChangeRole', accountId: 'a1', role: 'manager' }).thenRefused('LastAdmin', 'rule'));
  it('the last enabled admin cannot be disabled', () => given([root]).when({ type: 'DisableAccount', accountId: 'a1' }).thenRefused('LastAdmin', 'rule'));
  it('an admin can be disabled while another admin is enabled', () =>
    given([root, created('a3', 'ops', 'admin')])
      .when({ type: 'DisableAccount', accountId: 'a1' })
      .then([{ type: 'AccountDisabled', data: { accountId: 'a1' } }]));
  it('a disabled admin does not count as the other admin', () =>
    given([root, created('a3', 'ops', 'admin'), { type: 'AccountDisabled', data: { accountId: 'a3' } }])
      .when({ type: 'DisableAccount', accountId: 'a1' })
      .thenRefused('LastAdmin'));
  it('disabling a disabled account records nothing', () =>
    given([root, alice, { type: 'AccountDisabled', data: { accountId: 'a2' } }])
      .when({ type: 'DisableAccount', accountId: 'a2' })
      .thenNothing());
  it('an unknown account is 404', () => given([root]).when({ type: 'EnableAccount', accountId: 'nobody' }).thenRefused('AccountNotFound', 'not_found'));
  it('a password change is recorded without the password', () =>
    given([root])
      .when({ type: 'ChangePassword', accountId: 'a1' })
      .then([{ type: 'AccountPasswordChanged', data: { accountId: 'a1' } }]));
  it('an API key is issued with integration operations only', () =>
    given()
      .when({ type: 'IssueApiKey', keyId: 'k1', name: 'shop', operations: ['purchases.record', 'purchases.record'], secretHash: 'h' })
      .then([{ type: 'ApiKeyIssued', data: { keyId: 'k1', name: 'shop', operations: ['purchases.record'], secretHash: 'h' } }]));
  it('an API key is not granted administration', () =>
    given()
      .when({ type: 'IssueApiKey', keyId: 'k1', name: 'shop', operations: ['accounts.manage'], secretHash: 'h' })
      .thenRefused('OperationNotGrantable', 'rule'));
  it('an API key needs an operation', () =>
    given().when({ type: 'IssueApiKey', keyId: 'k1', name: 'shop', operations: [], secretHash: 'h' }).thenRefused('NoOperations', 'invalid'));
  it('a revoked key is revoked once', () => {
    const issued: AccountEvent = { type: 'ApiKeyIssued', data: { keyId: 'k1', name: 'shop', operations: ['customers.read'], secretHash: 'h' } };
    given([issued])
      .when({ type: 'RevokeApiKey', keyId: 'k1' })
      .then([{ type: 'ApiKeyRevoked', data: { keyId: 'k1' } }]);
    given([issued, { type: 'ApiKeyRevoked', data: { keyId: 'k1' } }])
      .when({ type: 'RevokeApiKey', keyId: 'k1' })
      .thenNothing();
  });
});
