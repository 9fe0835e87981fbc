// One error family for every slice's refusals; each transport maps the kind
// to its own codes in one place (REST: problem+json status; GraphQL: extensions.code).

export type DomainErrorKind =
  | 'invalid' // 400: the input is well-formed but not acceptable (a date too far ahead, a refund of 0)
  | 'not_found' // 404
  | 'conflict' // 409: already exists, used by another
  | 'stale' // 412: If-Match does not match the stream version
  | 'rule' // 422: refused by a business rule
  | 'unauthenticated' // 401: no or bad credentials
  | 'forbidden' // 403: the principal may not do this
  | 'rate_limited'; // 429

export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly kind: DomainErrorKind,
    /** Stable machine code, e.g. "MarketingCapReached". */
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const invalid = (code: string, message: string, details?: Record<string, unknown>) => new DomainError('invalid', code, message, details);
export const notFound = (code: string, message: string, details?: Record<string, unknown>) => new DomainError('not_found', code, message, details);
export const conflict = (code: string, message: string, details?: Record<string, unknown>) => new DomainError('conflict', code, message, details);
export const refused = (code: string, message: string, details?: Record<string, unknown>) => new DomainError('rule', code, message, details);
