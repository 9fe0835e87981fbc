// Runs the projectors inside the service: started after bootstrap, stopped
// before storage closes. Reads use it to wait for a position (?waitFor=).
import { DynamicModule, Global, Inject, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SQL_CLIENT, SqlClient } from '@crm/database';
import { EVENT_STORE, EventStore, EventStoreModule } from '@crm/event-store';
import { APP_CONFIG, AppConfig } from '@crm/shared';
import { startMetrics } from '@crm/shared/metrics';
import { HealthCheck } from './health';
import { ProjectionRunner } from './projection-runner';
import { Projector } from './projector';
import { PROJECTION_RUNNER, WaitForProjections } from './wait-for';

const RUN_PROJECTIONS = Symbol('RUN_PROJECTIONS');

@Global()
@Module({})
export class ProjectionsModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
    @Inject(RUN_PROJECTIONS) private readonly run: boolean,
  ) {}

  /** @param run false in processes that only write (the CLI): the runner answers waits but projects nothing. */
  static forRoot(projectors: (config: AppConfig) => Projector[], run = true): DynamicModule {
    return {
      module: ProjectionsModule,
      imports: [EventStoreModule],
      providers: [
        { provide: RUN_PROJECTIONS, useValue: run },
        {
          provide: PROJECTION_RUNNER,
          inject: [EVENT_STORE, SQL_CLIENT, APP_CONFIG],
          useFactory: (store: EventStore, sql: SqlClient, config: AppConfig) =>
            new ProjectionRunner(store, sql, projectors(config), { failAfter: config.projectionFailAfter, maxRetryDelayMs: config.projectionRetryMaxMs }),
        },
        WaitForProjections,
        HealthCheck,
      ],
      exports: [PROJECTION_RUNNER, WaitForProjections, HealthCheck],
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    startMetrics(this.runner);
    if (this.run) await this.runner.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }
}
