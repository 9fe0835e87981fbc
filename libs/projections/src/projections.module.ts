// Runs the projectors inside the service: started after bootstrap, stopped
// before storage closes. Reads use it to wait for a position (?waitFor=).
import { DynamicModule, Global, Inject, Module, OnApplicationBootstrap, OnApplicationShutdown, Provider, Type } from '@nestjs/common';
import { SQL_CLIENT, SqlClient } from '@crm/database';
import { EVENT_STORE, EventStore } from '@crm/event-store';
import { ProjectionRunner } from './projection-runner';
import { Projector } from './projector';

export const PROJECTION_RUNNER = Symbol('PROJECTION_RUNNER');

@Global()
@Module({})
export class ProjectionsModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner) {}

  static forRoot(projectors: Type<Projector>[]): DynamicModule {
    const runner: Provider = {
      provide: PROJECTION_RUNNER,
      inject: [EVENT_STORE, SQL_CLIENT, ...projectors],
      useFactory: (store: EventStore, sql: SqlClient, ...instances: Projector[]) => new ProjectionRunner(store, sql, instances),
    };
    return { module: ProjectionsModule, providers: [...projectors, runner], exports: [PROJECTION_RUNNER] };
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.runner.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }
}
