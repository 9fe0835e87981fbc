// Builds the HTTP application; shared by main.ts and the end-to-end tests so
// that both run the same pipeline: body limits, validation, problem+json, OpenAPI.
import { INestApplication, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppConfig, Principal } from '@crm/shared';
import { JsonLogger } from '@crm/shared/logging';
import { ProblemFilter } from '@crm/shared/http';
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
  return app;
}
