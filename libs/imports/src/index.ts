// The import slice: CSV history (purchases and refunds) for the CLI and POST
// /imports, through the customer capability's command path.
export { checkRow, columnIndexes, IMPORT_COLUMNS, ImportFileError, parseColumnMap, readImportRows } from './import-file';
export type { ImportColumn, ImportRow, ReadItem, RejectedRow } from './import-file';
export { Importer } from './importer';
export type { ImportOptions, ImportProgress, ImportSummary } from './importer';
export { importMigrations } from './imports.store';
export { ImportsService } from './imports.service';
export { ImportsModule } from './imports.module';
