// Builds the HTTP application; shared by main.ts and the end-to-end tests so
// that both run the same pipeline.
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig, nestLogLevels } from '@crm/shared';
import { AppModule } from './app.module';

export async function createApp(config: AppConfig): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config), {
    logger: nestLogLevels(config.logLevel),
    abortOnError: false,
  });
  app.setGlobalPrefix('api/v1', { exclude: ['health', 'metrics'] });
  return app;
}
