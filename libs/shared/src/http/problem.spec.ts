// An unreachable database answers 503 StorageUnavailable (REST) and
// SERVICE_UNAVAILABLE (GraphQL), never the 500 of an unexpected error.
import { toGraphQLError } from './graphql';
import { toProblem } from './problem';

const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('errors of an unreachable database', () => {
  it('given a refused connection, when mapped for REST, then 503 StorageUnavailable', () => {
    expect(toProblem(refused)).toMatchObject({ status: 503, code: 'StorageUnavailable', type: 'urn:problem:crm:storage-unavailable' });
  });

  it('given a refused connection, when mapped for GraphQL, then SERVICE_UNAVAILABLE with the wait', () => {
    expect(toGraphQLError(refused).extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', reason: 'StorageUnavailable', retryAfterSeconds: 5 });
  });

  it('given a bug, then still a 500 without internals', () => {
    expect(toProblem(new TypeError('x is undefined'))).toMatchObject({ status: 500, code: 'InternalError' });
  });
});
