// Who is asking and under which correlation, as the application layer sees
// it (every transport fills it in), and the metadata and event ids it gives.
import { randomUUID } from 'node:crypto';
import { actorOf, Operation, Principal } from './access';
import { authorize } from './access';
import { nameUuid } from './ids';

export interface RequestContext {
  /** Who is asking, authenticated by the transport (never a header they chose). */
  principal: Principal;
  /** The principal's name on events and the timeline. */
  actor: string;
  correlationId: string;
  /** The request that caused the events: the idempotency key when given, else a fresh id. */
  causationId: string;
  idempotencyKey?: string;
  ifMatch?: number;
  /** Reads shared by the resolvers of one GraphQL operation (DataLoaders, the rule schedule): one query for a page, not one a row. */
  memo?: Map<string, unknown>;
}

/** A value made once per request when the context carries a memo, else made afresh. */
export function memoized<T>(ctx: Pick<RequestContext, 'memo'> | undefined, key: string, make: () => T): T {
  if (!ctx?.memo) return make();
  if (!ctx.memo.has(key)) ctx.memo.set(key, make());
  return ctx.memo.get(key) as T;
}

/** The metadata every event of a request carries. */
export function eventMetadata(ctx: RequestContext, source: 'api' | 'import' | 'system') {
  return { actor: ctx.actor, correlationId: ctx.correlationId, causationId: ctx.causationId, source };
}

/** An event id for the i-th event a request writes to a stream: derived from the Idempotency-Key, so a retry writes nothing new. */
export function requestEventId(ctx: RequestContext, streamId: string, index: number): string {
  return ctx.idempotencyKey ? nameUuid(`request:${ctx.idempotencyKey}:${streamId}:${index}`) : randomUUID();
}

/** The context of one request of a principal: its actor, and its idempotency key scoped to it (another account's key of the same spelling is another key). */
export function principalContext(principal: Principal, request: { correlationId: string; idempotencyKey?: string; ifMatch?: number; memo?: Map<string, unknown> }): RequestContext {
  const { idempotencyKey: key, ...rest } = request;
  return {
    principal,
    actor: actorOf(principal),
    causationId: key ?? randomUUID(),
    idempotencyKey: key === undefined ? undefined : `${principal.kind}:${principal.id}:${key}`,
    ...rest,
  };
}

/** A context for a principal outside a request (the CLI, tests, start-up tasks). */
export function contextFor(principal: Principal, extra: Partial<Omit<RequestContext, 'principal' | 'actor'>> = {}): RequestContext {
  const id = randomUUID();
  return { principal, actor: actorOf(principal), correlationId: id, causationId: id, ...extra };
}

/** The application layer's check: 401 without a principal, 403 when the matrix says no. */
export function allow(ctx: Pick<RequestContext, 'principal'> | undefined, operation: Operation): void {
  authorize(ctx?.principal, operation);
}
