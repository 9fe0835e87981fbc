// Whether an error says the database cannot be reached (a restart, a
// failover, a lost connection) rather than that a request is wrong or a bug
// was hit: such a failure answers 503 with Retry-After, so that clients can
// tell an outage from a fault and retry. Pure: it reads the error's fields.

/** SQLSTATE classes and codes of an unreachable or restarting server. */
const SQLSTATES = [/^08/, /^57P0[123]$/, /^53300$/];
/** Node's socket and name errors on the way to it. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** What pg says, without a code, when a connection goes or cannot be had. */
const MESSAGES = [/^Connection terminated/, /timeout exceeded when trying to connect/, /Client has encountered a connection error/, /Connection ended unexpectedly/];

/** Seconds a client should wait before retrying. */
export const STORAGE_RETRY_AFTER_SECONDS = 5;

export function isStorageUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const { code, message, cause } = error as { code?: unknown; message?: unknown; cause?: unknown };
  if (typeof code === 'string' && (SOCKET_CODES.has(code) || SQLSTATES.some((p) => p.test(code)))) return true;
  if (typeof message === 'string' && MESSAGES.some((p) => p.test(message))) return true;
  // An AggregateError (a pool trying several addresses) or a wrapped cause.
  const errors = (error as { errors?: unknown }).errors;
  if (Array.isArray(errors) && errors.length > 0 && errors.every((e) => isStorageUnavailable(e, depth + 1))) return true;
  return isStorageUnavailable(cause, depth + 1);
}
