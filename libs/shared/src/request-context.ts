// Who is asking and under which correlation, as the application layer sees
// it (every transport fills it in), and the metadata and event ids it gives.
import { randomUUID } from 'node:crypto';
import { nameUuid } from './ids';

export interface RequestContext {
  actor: string;
  correlationId: string;
  /** The request that caused the events: the idempotency key when given, else a fresh id. */
  causationId: string;
  idempotencyKey?: string;
  ifMatch?: number;
}

/** The metadata every event of a request carries. */
export function eventMetadata(ctx: RequestContext, source: 'api' | 'import' | 'system') {
  return { actor: ctx.actor, correlationId: ctx.correlationId, causationId: ctx.causationId, source };
}

/** An event id for the i-th event a request writes to a stream: derived from the Idempotency-Key, so a retry writes nothing new. */
export function requestEventId(ctx: RequestContext, streamId: string, index: number): string {
  return ctx.idempotencyKey ? nameUuid(`request:${ctx.idempotencyKey}:${streamId}:${index}`) : randomUUID();
}
