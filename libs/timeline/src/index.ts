export * from './timeline.projector';
export * from './timeline.controller';
export * from './timeline.module';
export * from './derived-changes';
