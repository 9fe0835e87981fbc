// What every slice of a process stands on: its configuration, the database
// (migrated), the event store and the projection runner. Each entry point
// builds one and hands it to the slices it assembles; nothing is global.
import { DynamicModule, Module } from '@nestjs/common';
import { DatabaseModule } from '@crm/database';
import { EventStoreModule } from '@crm/event-store/nest';
import { ProjectionMode, ProjectionsModule } from '@crm/projections';
import type { Projector } from '@crm/projections';
import type { SqlClient } from '@crm/database';
import type { EventStore } from '@crm/event-store';
import { AppConfig } from '@crm/shared';
import { ConfigModule } from '@crm/shared/http';
import { allMigrations } from './migrations';

export type ProjectorList = (config: AppConfig, store: EventStore, sql: SqlClient) => Projector[];

@Module({})
export class PlatformModule {
  static forRoot(config: AppConfig, projection: { projectors: ProjectorList; mode: ProjectionMode }): DynamicModule {
    const configModule = ConfigModule.forRoot(config);
    const database = DatabaseModule.forRoot(allMigrations, configModule);
    const store = EventStoreModule.forRoot([configModule, database]);
    const projections = ProjectionsModule.forRoot(projection.projectors, projection.mode, [configModule, database, store]);
    const parts = [configModule, database, store, projections];
    return { module: PlatformModule, imports: parts, exports: parts };
  }
}
