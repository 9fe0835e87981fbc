// Every error leaves the REST API as RFC 9457 problem+json, mapped here and
// nowhere else. Unknown errors become a 500 without internals.
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError, DomainErrorKind } from '../domain-error';
import { InvalidMoneyError } from '../money';
import { isStorageUnavailable, STORAGE_RETRY_AFTER_SECONDS } from '../storage-unavailable';
import { InvalidHeaderError } from './request-context';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code: string;
  [extension: string]: unknown;
}

const STATUS_BY_KIND: Record<DomainErrorKind, number> = {
  invalid: 400,
  not_found: 404,
  conflict: 409,
  stale: 412,
  rule: 422,
  unauthenticated: 401,
  forbidden: 403,
  rate_limited: 429,
};
const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

const kebab = (code: string) => code.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

export function problem(status: number, code: string, detail?: string, extensions: Record<string, unknown> = {}): Problem {
  return { type: `urn:problem:crm:${kebab(code)}`, title: TITLES[status] ?? 'Error', status, code, ...(detail ? { detail } : {}), ...extensions };
}

/** A problem answered before (an idempotent replay): sent again as it was. */
export class StoredProblem extends Error {
  override readonly name = 'StoredProblem';
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.code);
  }
}

export function toProblem(error: unknown): Problem {
  if (error instanceof StoredProblem) return error.problem;
  if (error instanceof DomainError) return problem(STATUS_BY_KIND[error.kind], error.code, error.message, error.details);
  if (error instanceof InvalidMoneyError) return problem(400, 'InvalidAmount', error.message);
  if (error instanceof InvalidHeaderError) return problem(400, 'InvalidHeader', error.message);
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    if (status === 400 && typeof response === 'object' && response !== null && Array.isArray((response as { message?: unknown }).message)) {
      const errors = (response as { message: string[] }).message;
      return problem(400, 'ValidationFailed', errors.join('; '), { errors });
    }
    const message = typeof response === 'string' ? response : ((response as { message?: string }).message ?? error.message);
    const codes: Record<number, string> = {
      429: 'RateLimited',
      400: 'BadRequest',
      404: 'NotFound',
      405: 'MethodNotAllowed',
      409: 'Conflict',
      413: 'PayloadTooLarge',
      415: 'UnsupportedMediaType',
    };
    return problem(status, codes[status] ?? `Http${status}`, String(message));
  }
  if (isStorageUnavailable(error))
    return problem(503, 'StorageUnavailable', 'the database cannot be reached just now; retry shortly (with the same Idempotency-Key or event ids a retry records nothing twice)');
  return problem(500, 'InternalError', 'an unexpected error occurred; it has been logged');
}

export function sendProblem(res: Response, p: Problem): void {
  res.status(p.status).type('application/problem+json').send(JSON.stringify(p));
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(error: unknown, host: ArgumentsHost): void {
    // GraphQL maps its errors itself (toGraphQLError), in the response's errors.
    if (host.getType() !== 'http') throw error;
    const res = host.switchToHttp().getResponse<Response>();
    const p = toProblem(error);
    if (p.status === 503) this.logger.warn(`database unreachable: ${error instanceof Error ? error.message : String(error)}`);
    else if (p.status >= 500) this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    if (p.status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
    // An outage and a key still in progress pass: say when to try again.
    if (p.status === 503) res.setHeader('Retry-After', String(STORAGE_RETRY_AFTER_SECONDS));
    if (p.code === 'IdempotencyKeyInProgress') res.setHeader('Retry-After', '1');
    sendProblem(res, p);
  }
}
