// The complaint stream: from opening to resolution, with the respond-by
// deadline set by the SLA policy in force when it was opened or escalated.
import type { RecordedEvent } from '@crm/event-store';
import { COMPLAINT_EVENT_TYPES, conflict } from '@crm/shared';

export const PRIORITIES = ['FEEDBACK', 'NORMAL', 'URGENT', 'CRITICAL', 'RED_ALERT'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const rank = (p: Priority): number => PRIORITIES.indexOf(p);

export type ComplaintEvent =
  | {
      type: 'ComplaintOpened';
      data: {
        complaintId: string;
        customerId: string;
        subject: string;
        description?: string;
        channel: string;
        priority: Priority;
        agent: string;
        respondBy: string;
        slaHours: number;
        /** The customer's tier when the complaint was opened, when it shortened the SLA. */
        customerTier?: string;
        slaFactor?: number;
      };
    }
  | { type: 'ComplaintAssigned'; data: { complaintId: string; customerId: string; agent: string; previousAgent: string } }
  | {
      type: 'ComplaintEscalated';
      /** slaHours: the hours of the new priority (absent in events stored before it was recorded). */
      data: { complaintId: string; customerId: string; priority: Priority; previousPriority: Priority; respondBy: string; slaHours?: number };
    }
  | { type: 'ComplaintResponded'; data: { complaintId: string; customerId: string; message: string; agent: string; first: boolean } }
  | { type: 'ComplaintResolved'; data: { complaintId: string; customerId: string; resolution: string; compensationMinor?: number; currency?: string } }
  | { type: 'ComplaintReopened'; data: { complaintId: string; customerId: string; reason?: string } }
  | { type: 'ComplaintRated'; data: { complaintId: string; customerId: string; satisfaction: number; comment?: string } };

export interface Complaint {
  opened: boolean;
  complaintId?: string;
  customerId?: string;
  status: 'open' | 'resolved';
  priority: Priority;
  agent?: string;
  respondBy?: string;
  /** Multiplies the SLA hours for this complaint (the customer's tier when it was opened). */
  slaFactor: number;
  responded: boolean;
  reopenCount: number;
  /** The customer rated the handling since the last resolution. */
  rated: boolean;
}

export const initialComplaint = (): Complaint => ({ opened: false, status: 'open', priority: 'NORMAL', slaFactor: 1, responded: false, reopenCount: 0, rated: false });

export function evolve(state: Complaint, event: ComplaintEvent): Complaint {
  switch (event.type) {
    case 'ComplaintOpened':
      return {
        ...state,
        opened: true,
        complaintId: event.data.complaintId,
        customerId: event.data.customerId,
        status: 'open',
        priority: event.data.priority,
        agent: event.data.agent,
        respondBy: event.data.respondBy,
        slaFactor: event.data.slaFactor ?? 1,
      };
    case 'ComplaintAssigned':
      return { ...state, agent: event.data.agent };
    case 'ComplaintEscalated':
      return { ...state, priority: event.data.priority, respondBy: event.data.respondBy };
    case 'ComplaintResponded':
      return { ...state, responded: true };
    case 'ComplaintResolved':
      return { ...state, status: 'resolved', rated: false };
    case 'ComplaintReopened':
      return { ...state, status: 'open', reopenCount: state.reopenCount + 1 };
    case 'ComplaintRated':
      return { ...state, rated: true };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

/** Each shared name must be a complaint event type (the compiler checks it here). */
const KNOWN_TYPES: ReadonlySet<string> = new Set<ComplaintEvent['type']>(COMPLAINT_EVENT_TYPES);

/** The seam from a stored event to a complaint event (no older shapes to upcast yet). */
export function decodeComplaintEvent(recorded: Pick<RecordedEvent, 'type' | 'data'>): ComplaintEvent {
  if (!KNOWN_TYPES.has(recorded.type)) {
    // A newer version wrote it (a rolling upgrade): a command is refused plainly rather than decided without it.
    throw conflict('UnknownEventType', `this complaint's history holds an event of type ${recorded.type}, which this version does not know (a newer version wrote it): upgrade`, {
      type: recorded.type,
    });
  }
  return { type: recorded.type, data: recorded.data } as ComplaintEvent;
}
