// Entry point of a projection worker (`npm run worker`): runs the read
// models' projectors against the shared PostgreSQL, built with
// NestFactory.createApplicationContext. Its only HTTP is health and metrics
// on WORKER_PORT. Run the API with PROJECTIONS=off beside workers.
import 'reflect-metadata';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { withLocalSecrets } from '@crm/database';
import { HealthCheck, HealthAnswer } from '@crm/projections';
import { ConfigError, loadConfig } from '@crm/shared';
import { JsonLogger } from '@crm/shared/logging';
import { Problem, problem } from '@crm/shared/http';
import { METRICS_REFUSAL, metricsAllowed, metricsText } from '@crm/shared/metrics';
import { WorkerModule } from './worker.module';

function json(res: ServerResponse, { status, body }: HealthAnswer): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function refuse(res: ServerResponse, p: Problem, headers: Record<string, string> = {}): void {
  res.writeHead(p.status, { 'content-type': 'application/problem+json', ...headers }).end(JSON.stringify(p));
}

async function answer(health: HealthCheck, metricsToken: string | undefined, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method !== 'GET') return refuse(res, problem(405, 'MethodNotAllowed', 'a worker answers GET only'), { allow: 'GET' });
  if (path === '/health') return json(res, await health.summary());
  if (path === '/health/live') return json(res, { status: 200, body: { status: 'ok' } });
  if (path === '/health/ready') return json(res, await health.ready());
  if (path === '/metrics') {
    if (!metricsAllowed(req.headers.authorization, metricsToken)) return refuse(res, problem(401, METRICS_REFUSAL.code, METRICS_REFUSAL.detail), { 'www-authenticate': 'Bearer' });
    const { contentType, body } = await metricsText();
    return void res.writeHead(200, { 'content-type': contentType }).end(body);
  }
  refuse(res, problem(404, 'NotFound', 'a worker serves /health, /health/live, /health/ready and /metrics'));
}

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.databaseUrl) {
    throw new ConfigError('a worker projects from PostgreSQL: set DATABASE_URL (on the embedded database the API projects inline, PROJECTIONS=inline)');
  }
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(withLocalSecrets(config)), {
    logger: new JsonLogger(config.logLevel, 'worker'),
    abortOnError: false,
  });
  await app.init();
  const health = app.get(HealthCheck);
  const logger = new Logger('worker');
  const server = createServer((req, res) => {
    answer(health, config.metricsToken, req, res).catch((error: unknown) => {
      logger.error(`health: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) res.writeHead(503).end();
    });
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(config.workerPort, resolve));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      logger.log(`${signal}: closing`);
      server.close();
      app.close().then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(`crm worker: failed to close cleanly: ${error instanceof Error ? error.message : String(error)}`);
          process.exit(1);
        },
      );
    });
  }
  logger.log(`projecting from PostgreSQL; health http://localhost:${config.workerPort}/health, metrics http://localhost:${config.workerPort}/metrics`);
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(error instanceof ConfigError ? `crm worker: configuration error: ${message}` : `crm worker: failed to start: ${message}`);
  process.exit(1);
});
