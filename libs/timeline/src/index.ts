// The timeline slice's public face: its projector (and migrations), the query, the module.
export { TimelineProjector, timelineMigrations } from './timeline.projector';
export { TimelineQuery } from './timeline-query/timeline.query';
export { TimelineModule } from './timeline.module';
export { derivedChanges } from './derived-changes';
