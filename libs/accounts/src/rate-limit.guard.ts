// Rate limits (@nestjs/throttler): per signed-in principal (or per address
// before sign-in), and a much stricter one for POST /auth/token per address
// against password guessing. A refusal is a 429 problem with Retry-After.
import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail, ThrottlerModuleOptions, ThrottlerOptions } from '@nestjs/throttler';
import type { Request } from 'express';
import { AppConfig, DomainError } from '@crm/shared';
import { gqlRequest, principalOf } from '@crm/shared/http';
import { WindowCounters } from './window-counters';

const requestOf = (context: ExecutionContext): Request | undefined =>
  context.getType<'http' | 'graphql'>() === 'graphql' ? gqlRequest(context) : context.getType() === 'http' ? context.switchToHttp().getRequest<Request>() : undefined;
const pathOf = (context: ExecutionContext) => requestOf(context)?.path ?? '';
const isTokenRequest = (context: ExecutionContext) => pathOf(context).endsWith('/auth/token');
/** Probes of load balancers and orchestrators are not counted. */
const isHealth = (context: ExecutionContext) => pathOf(context).startsWith('/health');

function throttlers(config: AppConfig): ThrottlerOptions[] {
  return [
    { name: 'default', ttl: 60_000, limit: config.rateLimitPerMinute, skipIf: isHealth },
    { name: 'auth', ttl: 60_000, limit: config.authRateLimitPerMinute, skipIf: (context) => !isTokenRequest(context) },
  ];
}

/** Counted per caller and route, in constant work a request (the key is not hashed; the counts are sliding-window counters). */
export function rateLimits(config: AppConfig): ThrottlerModuleOptions {
  return {
    throttlers: throttlers(config),
    storage: new WindowCounters(),
    generateKey: (context, tracker, name) => `${context.getClass().name}.${context.getHandler().name}:${name}:${tracker}`,
  };
}

@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  /** GraphQL operations over HTTP count like REST requests; a subscription's messages (no HTTP response) are not counted. */
  protected override getRequestResponse(context: ExecutionContext): { req: Record<string, unknown>; res: Record<string, unknown> } {
    const req = requestOf(context);
    return { req: req as unknown as Record<string, unknown>, res: (req?.res ?? {}) as unknown as Record<string, unknown> };
  }

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    const req = requestOf(context);
    return !req || !req.res;
  }

  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const principal = principalOf(req as unknown as Request);
    return principal ? `${principal.kind}:${principal.id}` : `ip:${String((req as unknown as Request).ip)}`;
  }

  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const seconds = Math.max(1, Math.ceil(detail.timeToBlockExpire));
    requestOf(context)?.res?.setHeader('Retry-After', String(seconds));
    throw new DomainError('rate_limited', 'RateLimited', `too many requests: at most ${detail.limit} a minute; retry in ${seconds} s`, { retryAfterSeconds: seconds });
  }
}
