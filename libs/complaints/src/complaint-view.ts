// A complaint as its stream tells it, with its deadline and whether it was breached.
import { businessTime, EventStore } from '@crm/event-store';
import { knownEventType } from '@crm/shared';
import { Complaint, decodeComplaintEvent, evolve, initialComplaint } from './complaint';
import { complaintStream } from './complaint-commands';

export interface ComplaintView {
  id: string;
  customerId: string;
  subject: string;
  channel: string;
  priority: Complaint['priority'];
  status: Complaint['status'];
  agent: string | null;
  openedAt: string;
  respondBy: string;
  /** Respond-by hours of its current priority, after the customer's tier factor (set at opening, and at each escalation). */
  slaHours: number;
  /** The customer's tier when it was opened, when that shortened the SLA. */
  customerTier: string | null;
  firstResponseAt: string | null;
  resolvedAt: string | null;
  resolution: string | null;
  reopenCount: number;
  /** The customer's last rating of the handling (1-5), with its comment. */
  satisfaction: number | null;
  satisfactionComment: string | null;
  /** The first response came after the deadline, or the deadline passed with none. */
  breached: boolean;
  version: number;
}

export async function loadComplaintView(store: EventStore, complaintId: string, now = new Date()): Promise<ComplaintView | undefined> {
  const events = await store.readStream(complaintStream(complaintId));
  if (events.length === 0) return undefined;
  let state = initialComplaint();
  let subject = '';
  let channel = '';
  let openedAt = '';
  let slaHours = 0;
  let customerTier: string | null = null;
  let firstResponseAt: string | null = null;
  let resolvedAt: string | null = null;
  let resolution: string | null = null;
  let satisfaction: number | null = null;
  let satisfactionComment: string | null = null;
  for (const recorded of events) {
    if (!knownEventType(recorded.streamId, recorded.type)) continue; // a newer version's: left out, as the read models skip it
    const event = decodeComplaintEvent(recorded);
    const at = businessTime(recorded);
    state = evolve(state, event);
    if (event.type === 'ComplaintOpened') {
      subject = event.data.subject;
      channel = event.data.channel;
      openedAt = at;
      slaHours = event.data.slaHours;
      customerTier = event.data.customerTier ?? null;
    }
    if (event.type === 'ComplaintEscalated' && event.data.slaHours !== undefined) slaHours = event.data.slaHours;
    if (event.type === 'ComplaintResponded' && firstResponseAt === null) firstResponseAt = at;
    if (event.type === 'ComplaintResolved') {
      resolvedAt = at;
      resolution = event.data.resolution;
    }
    if (event.type === 'ComplaintReopened') resolvedAt = null;
    if (event.type === 'ComplaintRated') {
      satisfaction = event.data.satisfaction;
      satisfactionComment = event.data.comment ?? null;
    }
  }
  if (!state.opened || !state.complaintId || !state.customerId || !state.respondBy) return undefined;
  const deadline = new Date(state.respondBy).getTime();
  const breached = firstResponseAt !== null ? new Date(firstResponseAt).getTime() > deadline : now.getTime() > deadline;
  return {
    id: state.complaintId,
    customerId: state.customerId,
    subject,
    channel,
    priority: state.priority,
    status: state.status,
    agent: state.agent ?? null,
    openedAt,
    respondBy: state.respondBy,
    slaHours,
    customerTier,
    firstResponseAt,
    resolvedAt,
    resolution,
    reopenCount: state.reopenCount,
    satisfaction,
    satisfactionComment,
    breached,
    version: events[events.length - 1].streamVersion,
  };
}
