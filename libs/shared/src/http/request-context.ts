// Who is asking and under which correlation: read once per request from the
// headers and carried into every event's metadata.
import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { randomUUID } from 'node:crypto';
import { Principal, unauthenticated } from '../access';
import { principalContext, RequestContext } from '../request-context';

const TOKEN = /^[\x21-\x7e]{1,200}$/;

export function correlationIdOf(req: Request): string {
  const given = req.header('x-correlation-id');
  return given && TOKEN.test(given) ? given : randomUUID();
}

/** The request's authenticated principal, set by the authentication guard (X-Actor and the like are ignored). */
export function principalOf(req: Request): Principal | undefined {
  return (req as Request & { principal?: Principal }).principal;
}

export function setPrincipal(req: Request, principal: Principal): void {
  (req as Request & { principal?: Principal }).principal = principal;
}

export function requestContext(req: Request): RequestContext {
  const principal = principalOf(req);
  if (!principal) throw unauthenticated();
  return principalContext(principal, {
    correlationId: (req as Request & { correlationId?: string }).correlationId ?? correlationIdOf(req),
    idempotencyKey: req.header('idempotency-key'),
    ifMatch: parseIfMatch(req.header('if-match')),
  });
}

/** If-Match: "3" or 3 or W/"3" -> 3. A malformed value is a 400, not a silent ignore. */
export function parseIfMatch(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const match = /^(?:W\/)?"?(\d{1,15})"?$/.exec(value.trim());
  if (!match) throw new InvalidHeaderError('If-Match must be a stream version such as "3"');
  return Number(match[1]);
}

export class InvalidHeaderError extends Error {
  override readonly name = 'InvalidHeaderError';
}

export const Ctx = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestContext => requestContext(ctx.switchToHttp().getRequest<Request>()));
