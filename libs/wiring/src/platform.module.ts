// What every slice of a process stands on: its configuration, the database
// (migrated), the event store and the projection runner. Each entry point
// builds one and hands it to the slices it assembles; nothing is global.
import { DynamicModule, Inject, Module, OnModuleInit } from '@nestjs/common';
import { checkMasterKey } from '@crm/customers';
import { DatabaseModule, SQL_CLIENT } from '@crm/database';
import { EventStoreModule } from '@crm/event-store/nest';
import { ProjectionMode, ProjectionsModule } from '@crm/projections';
import type { Projector } from '@crm/projections';
import type { SqlClient } from '@crm/database';
import type { EventStore } from '@crm/event-store';
import { APP_CONFIG, AppConfig } from '@crm/shared';
import { ConfigModule } from '@crm/shared/http';
import { allMigrations } from './migrations';

export type ProjectorList = (config: AppConfig, store: EventStore, sql: SqlClient) => Projector[];

@Module({})
export class PlatformModule implements OnModuleInit {
  constructor(
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Before anything reads or projects: a process with the wrong master key refuses to start. */
  async onModuleInit(): Promise<void> {
    await checkMasterKey(this.sql, this.config.masterKey, this.config.masterKeyRotation);
  }

  static forRoot(config: AppConfig, projection: { projectors: ProjectorList; mode: ProjectionMode }): DynamicModule {
    const configModule = ConfigModule.forRoot(config);
    const database = DatabaseModule.forRoot(allMigrations, configModule);
    const store = EventStoreModule.forRoot([configModule, database]);
    const projections = ProjectionsModule.forRoot(projection.projectors, projection.mode, [configModule, database, store]);
    const parts = [configModule, database, store, projections];
    return { module: PlatformModule, imports: parts, exports: parts };
  }
}
