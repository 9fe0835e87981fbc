// The assembly every entry point shares (the API, the worker, the CLI, tests
// and benchmarks): every slice's migrations and every read model's projector.
export { allMigrations } from './migrations';
export { allProjectors, runtimeProjectors } from './read-models';
export { PlatformModule } from './platform.module';
export type { ProjectorList } from './platform.module';
