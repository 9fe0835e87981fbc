// The complaint slice's public face: events, decider, SLA policy, the
// application service, the service history read model, the module.
export { decodeComplaintEvent, evolve, initialComplaint, PRIORITIES } from './complaint';
export type { Complaint, ComplaintEvent, Priority } from './complaint';
export { decide } from './business-logic';
export type { ComplaintCommand } from './business-logic';
export { respondBy, slaHoursFor } from './sla-policy';
export type { SlaPolicy } from './sla-policy';
export { complaintStream, ExecuteComplaintCommand } from './complaint-commands';
export { ComplaintsService } from './complaints.service';
export type { ComplaintView } from './complaint-view';
export { ServiceHistoryProjector, serviceHistoryMigrations } from './service-history/service-history.projector';
export { ComplaintsModule } from './complaints.module';
