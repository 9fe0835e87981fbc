export * from './projector';
export * from './projection-runner';
export * from './projections.module';
export * from './wait-for';
export * from './rebuild';
export * from './insert-rows';
export * from './health';
export * from './projection-leases';
