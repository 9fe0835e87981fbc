// Runs the projectors inside the service: started after bootstrap, stopped
// before storage closes. Reads use it to wait for a position (?waitFor=).
import { DynamicModule, Global, Inject, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SQL_CLIENT, SqlClient } from '@crm/database';
import { EVENT_STORE, EventStore } from '@crm/event-store';
import { APP_CONFIG, AppConfig } from '@crm/shared';
import { ProjectionRunner } from './projection-runner';
import { Projector } from './projector';

export const PROJECTION_RUNNER = Symbol('PROJECTION_RUNNER');

@Global()
@Module({})
export class ProjectionsModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner) {}

  static forRoot(projectors: (config: AppConfig) => Projector[]): DynamicModule {
    return {
      module: ProjectionsModule,
      providers: [
        {
          provide: PROJECTION_RUNNER,
          inject: [EVENT_STORE, SQL_CLIENT, APP_CONFIG],
          useFactory: (store: EventStore, sql: SqlClient, config: AppConfig) => new ProjectionRunner(store, sql, projectors(config)),
        },
      ],
      exports: [PROJECTION_RUNNER],
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.runner.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }
}
