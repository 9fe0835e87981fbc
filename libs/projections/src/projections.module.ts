// Runs the projectors inside the service: started after bootstrap, stopped
// before storage closes. Reads use it to wait for a position (?waitFor=).
import { DynamicModule, Inject, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SQL_CLIENT, SqlClient } from '@crm/database';
import { EVENT_STORE, EventStore } from '@crm/event-store';
import { APP_CONFIG, AppConfig } from '@crm/shared';
import { startMetrics } from '@crm/shared/metrics';
import { DEAD_LETTERS, DeadLetters } from './dead-letters';
import { HealthCheck } from './health';
import { ProjectionLeases } from './projection-leases';
import { ProjectionRunner } from './projection-runner';
import { partitioned, Projector } from './projector';
import { PROJECTION_MODE, PROJECTION_RUNNER, ProjectionMode, WaitForProjections } from './wait-for';

@Module({})
export class ProjectionsModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
    @Inject(PROJECTION_MODE) private readonly mode: ProjectionMode,
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private leases: ProjectionLeases | undefined;

  /** With mode none the runner still answers waits (?waitFor=) and status, from the stored checkpoints. */
  /** @param uses the modules that provide APP_CONFIG, SQL_CLIENT and EVENT_STORE */
  static forRoot(projectors: (config: AppConfig, store: EventStore, sql: SqlClient) => Projector[], mode: ProjectionMode, uses: DynamicModule[]): DynamicModule {
    return {
      module: ProjectionsModule,
      imports: uses,
      providers: [
        { provide: PROJECTION_MODE, useValue: mode },
        {
          provide: PROJECTION_RUNNER,
          inject: [EVENT_STORE, SQL_CLIENT, APP_CONFIG],
          useFactory: (store: EventStore, sql: SqlClient, config: AppConfig) =>
            new ProjectionRunner(store, sql, partitioned(projectors(config, store, sql), config.projectionPartitions), {
              failAfter: config.projectionFailAfter,
              maxRetryDelayMs: config.projectionRetryMaxMs,
            }),
        },
        {
          provide: DEAD_LETTERS,
          inject: [EVENT_STORE, SQL_CLIENT, APP_CONFIG],
          useFactory: (store: EventStore, sql: SqlClient, config: AppConfig) => new DeadLetters(store, sql, projectors(config, store, sql)),
        },
        WaitForProjections,
        HealthCheck,
      ],
      exports: [PROJECTION_RUNNER, PROJECTION_MODE, WaitForProjections, HealthCheck, DEAD_LETTERS],
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    startMetrics(this.runner);
    // Other processes' batches wake the waits here, their appends wake the projectors here; a process that does not project announces its appends.
    await this.runner.joinProcesses({ announceAppends: this.mode === 'none' });
    if (this.mode === 'all') await this.runner.start();
    if (this.mode === 'leased') {
      this.leases = new ProjectionLeases(this.sql, this.runner, { leaseMs: this.config.projectionLeaseMs });
      await this.leases.start();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.leases?.stop();
    await this.runner.stop();
  }
}
