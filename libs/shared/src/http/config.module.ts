// Provides the validated AppConfig to the modules that import it (through the platform module).
import { DynamicModule, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig, loadConfig } from '../config';

@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig = loadConfig()): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: APP_CONFIG, useValue: config }], exports: [APP_CONFIG] };
  }
}
