// Provides the EventStore port (through the platform module); which adapter
// is behind it is decided by configuration alone.
import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { SQL_CLIENT, SqlClient } from '@crm/database';
import { APP_CONFIG, AppConfig } from '@crm/shared';
import { EVENT_STORE, EventStore } from './event-store';
import { metered } from './metered-event-store';
import { openEventStore } from './open-event-store';

@Module({})
export class EventStoreModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** @param uses the modules that provide APP_CONFIG and SQL_CLIENT */
  static forRoot(uses: DynamicModule[]): DynamicModule {
    return {
      module: EventStoreModule,
      imports: uses,
      providers: [
        {
          provide: EVENT_STORE,
          inject: [APP_CONFIG, SQL_CLIENT],
          useFactory: (config: AppConfig, sql: SqlClient) => metered(openEventStore(config, sql)),
        },
      ],
      exports: [EVENT_STORE],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
