// Opens the configured database once per process, applies every slice's
// migrations before anything uses it, and closes it on shutdown.
import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@crm/shared';
import { migrate, Migration } from './migrator';
import { openDatabase } from './open-database';
import { SqlClient } from './sql-client';

export const SQL_CLIENT = Symbol('SQL_CLIENT');

@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(SQL_CLIENT) private readonly sql: SqlClient) {}

  /** @param config the module that provides APP_CONFIG */
  static forRoot(migrations: readonly Migration[], config: DynamicModule): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [config],
      providers: [
        {
          provide: SQL_CLIENT,
          inject: [APP_CONFIG],
          useFactory: async (config: AppConfig) => {
            const sql = await openDatabase(config);
            try {
              await migrate(sql, migrations);
            } catch (error) {
              await sql.close();
              throw error;
            }
            return sql;
          },
        },
      ],
      exports: [SQL_CLIENT],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sql.close();
  }
}
