// Structured logs: one JSON object a line (pino) on standard output, with the
// process's role, the Nest context and, inside a request, its correlation id
// on every line (AsyncLocalStorage, set where the id is read). Messages say
// what happened, never whose data: no bodies, names or contact fields.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { LoggerService } from '@nestjs/common';
import pino, { Logger as Pino } from 'pino';
import { LogLevel } from './config';

const correlation = new AsyncLocalStorage<{ correlationId: string }>();

/** Runs `fn` (a request's handling) with its correlation id on every log line written meanwhile. */
export function withCorrelationId<T>(correlationId: string, fn: () => T): T {
  return correlation.run({ correlationId }, fn);
}

export const currentCorrelationId = (): string | undefined => correlation.getStore()?.correlationId;

const PINO_LEVEL: Record<LogLevel, pino.Level> = { error: 'error', warn: 'warn', log: 'info', debug: 'debug', verbose: 'trace' };

// Nest's start-up lines per route and module: noise (and the routes resolver prints prefixes that do not apply to /health).
const QUIET_CONTEXTS = new Set(['RoutesResolver', 'RouterExplorer', 'InstanceLoader']);

/** Nest's logger as JSON lines. */
export class JsonLogger implements LoggerService {
  readonly pino: Pino;

  constructor(level: LogLevel, service: string) {
    this.pino = pino(
      {
        level: PINO_LEVEL[level],
        base: { service },
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
        mixin: () => {
          const id = currentCorrelationId();
          return id ? { correlationId: id } : {};
        },
      },
      process.stdout,
    );
  }

  private write(level: pino.Level, message: unknown, params: unknown[]): void {
    const context = typeof params[params.length - 1] === 'string' ? (params[params.length - 1] as string) : undefined;
    if (context && QUIET_CONTEXTS.has(context)) return;
    const fields: Record<string, unknown> = context ? { context } : {};
    if (level === 'error' && typeof params[0] === 'string' && params.length > 1) fields.stack = params[0];
    if (message instanceof Error) this.pino[level]({ ...fields, err: message }, message.message);
    else if (typeof message === 'object' && message !== null) this.pino[level]({ ...fields, ...(message as object) });
    else this.pino[level](fields, String(message));
  }

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
}
