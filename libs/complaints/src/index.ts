export * from './complaint';
export * from './sla-policy';
export * from './business-logic';
export * from './complaint-commands';
export * from './complaint-view';
export * from './complaints.controller';
export * from './complaints.module';
