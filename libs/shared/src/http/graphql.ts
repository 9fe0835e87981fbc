// The GraphQL edge shared by every slice's resolvers: the request context
// of an operation (principal from the transport, idempotency key and
// expected version from the arguments), the write result type, a JSON
// scalar, and the one mapping of errors to `extensions.code`.
import { BadRequestException, createParamDecorator, ExecutionContext, HttpException, Logger } from '@nestjs/common';
import { Field, Float, GqlExecutionContext, Int, ObjectType } from '@nestjs/graphql';
import type { Request } from 'express';
import { GraphQLError, GraphQLScalarType, Kind, ValueNode } from 'graphql';
import { randomUUID } from 'node:crypto';
import { Principal, unauthenticated } from '../access';
import { DomainError, DomainErrorKind, invalid } from '../domain-error';
import { UUID_PATTERN } from '../ids';
import { isCalendarDate } from '../shop-calendar';
import { InvalidMoneyError } from '../money';
import { isStorageUnavailable, STORAGE_RETRY_AFTER_SECONDS } from '../storage-unavailable';
import { principalContext, RequestContext } from '../request-context';
import { principalOf } from './request-context';

/** The HTTP request behind an operation: the POST, or the WebSocket upgrade of a subscription. */
export function gqlRequest(context: ExecutionContext): (Request & { principal?: Principal }) | undefined {
  const ctx = GqlExecutionContext.create(context).getContext<{ req?: Request; connectionParams?: Record<string, unknown> }>();
  return ctx.req;
}

export function gqlConnectionParams(context: ExecutionContext): Record<string, unknown> | undefined {
  return GqlExecutionContext.create(context).getContext<{ connectionParams?: Record<string, unknown> }>().connectionParams;
}

const KEY = /^[\x21-\x7e]{1,200}$/;
const memos = new WeakMap<object, Map<string, unknown>>();

/**
 * The application layer's context of a GraphQL operation. Mutations take
 * `idempotencyKey` (event ids are derived from it: a retry records nothing
 * again) and `expectedVersion` (If-Match).
 */
export const GqlCtx = createParamDecorator((_: unknown, context: ExecutionContext): RequestContext => {
  const req = gqlRequest(context);
  const principal = req ? principalOf(req) : undefined;
  if (!principal) throw unauthenticated();
  const args = GqlExecutionContext.create(context).getArgs<{ idempotencyKey?: unknown; expectedVersion?: unknown }>();
  const key = typeof args.idempotencyKey === 'string' ? args.idempotencyKey : undefined;
  if (key !== undefined && !KEY.test(key)) throw new DomainError('invalid', 'InvalidIdempotencyKey', 'idempotencyKey must be 1-200 printable ASCII characters');
  const correlationId = (req as (Request & { correlationId?: string }) | undefined)?.correlationId ?? randomUUID();
  // One memo an HTTP request (its resolvers share reads); none for a subscription, whose pushes must read afresh.
  let memo = req && req.res ? memos.get(req) : undefined;
  if (req && req.res && !memo) memos.set(req, (memo = new Map()));
  return principalContext(principal, {
    correlationId,
    idempotencyKey: key,
    ifMatch: typeof args.expectedVersion === 'number' ? args.expectedVersion : undefined,
    memo,
  });
});

@ObjectType({ description: 'What a mutation wrote: the stream version after it and the global position to pass as waitFor' })
export class WriteResult {
  @Field(() => String) id!: string;
  @Field(() => Int) version!: number;
  @Field(() => Float, { description: 'global position of the last event written (an integer); queries take it as waitFor' }) position!: number;
  @Field(() => [String]) eventIds!: string[];
  @Field(() => Boolean, { description: 'nothing new was written (a repeat, or no change)' }) unchanged!: boolean;
}

export const writeResult = (id: string, result: { version: number; position: number; eventIds: string[]; unchanged: boolean }): WriteResult => ({
  id,
  version: result.version,
  position: result.position,
  eventIds: result.eventIds,
  unchanged: result.unchanged,
});

function literal(ast: ValueNode): unknown {
  switch (ast.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.OBJECT:
      return Object.fromEntries(ast.fields.map((f) => [f.name.value, literal(f.value)]));
    case Kind.LIST:
      return ast.values.map(literal);
    default:
      return null;
  }
}

/** Free-form JSON answers (event data, figures, matrices), as REST gives them. */
export const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'any JSON value, shaped as in the REST answer of the same name',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: literal,
});

const CODES: Record<DomainErrorKind, string> = {
  invalid: 'BAD_USER_INPUT',
  not_found: 'NOT_FOUND',
  conflict: 'CONFLICT',
  stale: 'PRECONDITION_FAILED',
  rule: 'BUSINESS_RULE',
  unauthenticated: 'UNAUTHENTICATED',
  forbidden: 'FORBIDDEN',
  rate_limited: 'RATE_LIMITED',
};

const logger = new Logger('graphql');

/** Every error leaves GraphQL with an `extensions.code`, mapped here and nowhere else; unexpected ones are masked. */
export function toGraphQLError(error: unknown): GraphQLError {
  const wrapped = error instanceof GraphQLError ? error : undefined;
  const original = wrapped?.originalError ?? error;
  const at = { nodes: wrapped?.nodes, source: wrapped?.source, positions: wrapped?.positions, path: wrapped?.path };
  if (original instanceof DomainError) {
    return new GraphQLError(original.message, { ...at, extensions: { ...original.details, code: CODES[original.kind], reason: original.code } });
  }
  if (original instanceof InvalidMoneyError) return new GraphQLError(original.message, { ...at, extensions: { code: 'BAD_USER_INPUT', reason: 'InvalidAmount' } });
  if (original instanceof BadRequestException) {
    const response = original.getResponse() as { message?: unknown };
    const errors = Array.isArray(response.message) ? (response.message as string[]) : [String(response.message ?? original.message)];
    return new GraphQLError(errors.join('; '), { ...at, extensions: { code: 'BAD_USER_INPUT', reason: 'ValidationFailed', errors } });
  }
  if (original instanceof HttpException && original.getStatus() === 429) return new GraphQLError('too many requests', { ...at, extensions: { code: 'RATE_LIMITED' } });
  // Coercion of variables wraps graphql's own error: the caller's input too.
  if (wrapped && original instanceof GraphQLError) return new GraphQLError(wrapped.message, { ...at, extensions: { ...original.extensions, code: 'BAD_USER_INPUT' } });
  // Parse, validation and coercion errors of graphql itself: the caller's input.
  if (wrapped && !wrapped.originalError)
    return wrapped.extensions?.code ? wrapped : new GraphQLError(wrapped.message, { ...at, extensions: { ...wrapped.extensions, code: 'BAD_USER_INPUT' } });
  if (isStorageUnavailable(original)) {
    logger.warn(`database unreachable: ${original instanceof Error ? original.message : String(original)}`);
    return new GraphQLError('the database cannot be reached just now; retry shortly', {
      ...at,
      extensions: { code: 'SERVICE_UNAVAILABLE', reason: 'StorageUnavailable', retryAfterSeconds: STORAGE_RETRY_AFTER_SECONDS },
    });
  }
  logger.error(original instanceof Error ? (original.stack ?? original.message) : String(original));
  return new GraphQLError('an unexpected error occurred; it has been logged', { ...at, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
}

/** Arguments GraphQL types only loosely (ID, String), checked as REST's pipes check them: a 400-class error, never a 500. */
export function idArg(value: string, name = 'id'): string {
  if (!UUID_PATTERN.test(value)) throw invalid('InvalidId', `${name} must be a UUID`);
  return value.toLowerCase();
}

export function dateArg(value: string | undefined | null, name = 'asOf'): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isCalendarDate(value)) throw invalid('InvalidDate', `${name} must be a calendar date YYYY-MM-DD`);
  return value;
}

export function positionArg(value: number | undefined | null): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Number.isSafeInteger(value) || value < 0) throw invalid('InvalidPosition', 'waitFor must be a global position a write answered');
  return String(value);
}
