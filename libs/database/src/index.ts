export * from './sql-client';
export * from './postgres-client';
export * from './pglite-client';
export * from './data-dir-lock';
export * from './migrator';
export * from './open-database';
export * from './database.module';
export * from './local-secret';
