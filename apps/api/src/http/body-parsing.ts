// JSON bodies: bounded size, strict JSON, bounded depth, storable text and
// no prototype keys anywhere; failures answered as problem+json (400, 413,
// 415) before any route runs.
import { INestApplication, Logger } from '@nestjs/common';
import { isUtf8 } from 'node:buffer';
import express, { NextFunction, Request, Response } from 'express';
import { correlationIdOf, Problem, problem, sendProblem } from '@crm/shared/http';
import { withCorrelationId } from '@crm/shared/logging';
import { metrics } from '@crm/shared/metrics';
import { inspectBody } from './inspect-body';

export const BODY_LIMIT = '64kb';

/** A refusal in the caller's protocol: problem+json on REST, a GraphQL error response on /graphql. */
function refuse(req: Request, res: Response, p: Problem): void {
  if (req.path !== '/graphql') return sendProblem(res, p);
  res
    .status(p.status)
    .type('application/graphql-response+json')
    .send(
      JSON.stringify({ errors: [{ message: p.detail ?? p.code, extensions: { code: p.status === 413 || p.status === 415 ? 'BAD_REQUEST' : 'BAD_USER_INPUT', reason: p.code } }] }),
    );
}

/**
 * Counted by route pattern (`/api/v1/customers/:id`), never by path: bounded
 * labels, no ids. A line per request at the log level `log`, with its
 * correlation id.
 */
function countRequests(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const end = metrics.httpDuration.startTimer();
    res.once('finish', () => {
      const labels = { method: req.method, route: req.route?.path ?? (req.path === '/graphql' ? '/graphql' : 'unmatched'), status: String(res.statusCode) };
      const seconds = end(labels);
      metrics.httpRequests.inc(labels);
      logger.log({
        msg: 'request',
        ...labels,
        status: res.statusCode,
        ms: Math.round(seconds * 10_000) / 10,
        correlationId: (req as Request & { correlationId?: string }).correlationId,
      });
    });
    next();
  };
}

export function useHttpBasics(app: INestApplication): void {
  app.use((req: Request, res: Response, next: NextFunction) => {
    const id = correlationIdOf(req);
    (req as Request & { correlationId?: string }).correlationId = id;
    res.setHeader('X-Correlation-Id', id);
    withCorrelationId(id, next);
  });
  app.use(countRequests(new Logger('http')));
  app.use((req: Request, res: Response, next: NextFunction) => {
    const hasBody = (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0') || req.headers['transfer-encoding'] !== undefined;
    // The one body that is not JSON: an import's CSV file, streamed by its controller.
    const upload = req.method === 'POST' && req.path === '/api/v1/imports' && (req.is('text/csv') || req.is('text/plain'));
    if (hasBody && !upload && ['POST', 'PUT', 'PATCH'].includes(req.method) && !req.is('application/json') && !req.is('application/*+json')) {
      return refuse(req, res, problem(415, 'UnsupportedMediaType', 'send the body as application/json'));
    }
    next();
  });
  // JSON is UTF-8 (RFC 8259): bytes that are not would be stored as U+FFFD, so they are refused instead.
  const utf8Only = (_req: unknown, _res: unknown, body: Buffer) => {
    if (!isUtf8(body)) throw new Error('the body is not valid UTF-8');
  };
  app.use(express.json({ limit: BODY_LIMIT, strict: true, type: ['application/json', 'application/*+json'], verify: utf8Only }));
  app.use((error: Error & { type?: string; status?: number }, req: Request, res: Response, next: NextFunction) => {
    if (error.type === 'entity.too.large') return refuse(req, res, problem(413, 'PayloadTooLarge', `the body is larger than ${BODY_LIMIT}`));
    if (error.type === 'entity.parse.failed') return refuse(req, res, problem(400, 'MalformedJson', 'the body is not valid JSON'));
    if (error.type === 'entity.verify.failed') return refuse(req, res, problem(400, 'InvalidUtf8', 'the body is not valid UTF-8'));
    if (error.type === 'encoding.unsupported' || error.type === 'charset.unsupported') return refuse(req, res, problem(415, 'UnsupportedMediaType', error.message));
    if (error.status && error.status >= 400 && error.status < 500) return refuse(req, res, problem(error.status, 'BadRequest', error.message));
    next(error);
  });
  app.use((req: Request, res: Response, next: NextFunction) => {
    const bad = inspectBody(req.query) ?? (req.body !== undefined ? inspectBody(req.body) : undefined);
    if (bad) return refuse(req, res, problem(400, bad.code, bad.detail));
    if (['POST', 'PUT', 'PATCH'].includes(req.method) && req.body !== undefined && (typeof req.body !== 'object' || Array.isArray(req.body) || req.body === null)) {
      return refuse(req, res, problem(400, 'InvalidBody', 'the body must be a JSON object'));
    }
    next();
  });
}
