// Builds the HTTP application; shared by main.ts and the end-to-end tests so
// that both run the same pipeline: body limits, validation, problem+json, OpenAPI.
import { INestApplication, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppConfig, Principal } from '@crm/shared';
import { JsonLogger } from '@crm/shared/logging';
import { problem, ProblemFilter, sendProblem } from '@crm/shared/http';
import { AccountsService, bearerCredential } from '@crm/accounts';
import type { NextFunction, Request, Response } from 'express';
import { withLocalSecrets } from '@crm/database';
import { AppModule } from './app.module';
import { useHttpBasics } from './http/body-parsing';
import { serveConsole } from './http/console';

export async function createApp(config: AppConfig, options: { benchmarkPrincipal?: Principal } = {}): Promise<INestApplication> {
  config = withLocalSecrets(config);
  const app = await NestFactory.create(AppModule.forRoot(config, options.benchmarkPrincipal), {
    logger: new JsonLogger(config.logLevel, 'api'),
    abortOnError: false,
    bodyParser: false,
  });
  useHttpBasics(app);
  serveConsole(app);
  app.setGlobalPrefix('api/v1', { exclude: ['health', 'health/live', 'health/ready', 'metrics'] });
  app.useGlobalFilters(new ProblemFilter());
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      transform: true,
      transformOptions: { enableImplicitConversion: false },
      validationError: { target: false, value: false },
    }),
  );
  serveApiDocs(app, config.apiDocs);
  return app;
}

/** The OpenAPI pages: open, behind a bearer credential (API_DOCS=auth, the production default), or not served. */
function serveApiDocs(app: INestApplication, mode: AppConfig['apiDocs']): void {
  if (mode === 'off') return;
  if (mode === 'auth') app.use(['/api/docs', '/api/docs-json'], signedIn(app.get(AccountsService)));
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('CRM engine')
      .setDescription('Event-sourced customer relationships: customers, purchases, refunds, complaints. Errors are application/problem+json (RFC 9457).')
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'an access token from POST /api/v1/auth/token, or an API key' })
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}

function signedIn(accounts: AccountsService) {
  return (req: Request, res: Response, next: NextFunction) => {
    const credential = bearerCredential(req.headers.authorization);
    const refuse = () => sendProblem(res, problem(401, 'Unauthenticated', 'the API documentation needs a bearer token or an API key (API_DOCS=auth)'));
    if (!credential) return refuse();
    accounts.authenticate(credential).then(() => next(), refuse);
  };
}
