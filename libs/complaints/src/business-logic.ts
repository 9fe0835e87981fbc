// Decisions on the complaint stream: pure functions of a command, the state
// and the SLA policy in force. They answer events or throw a DomainError.
import { conflict, notFound, refused } from '@crm/shared';
import { Complaint, ComplaintEvent, Priority, rank } from './complaint';
import { respondBy, SlaPolicy, slaHoursFor } from './sla-policy';

export type ComplaintCommand =
  | {
      type: 'OpenComplaint';
      complaintId: string;
      customerId: string;
      subject: string;
      description?: string;
      channel: string;
      priority: Priority;
      agent: string;
      occurredAt: Date;
      /** The customer's tier now, for the tier's SLA factor. */
      customerTier?: string | null;
    }
  | { type: 'AssignComplaint'; agent: string }
  | { type: 'EscalateComplaint'; priority: Priority; occurredAt: Date }
  | { type: 'RespondToComplaint'; message: string; agent: string }
  | { type: 'ResolveComplaint'; resolution: string; compensationMinor?: number; currency?: string }
  | { type: 'ReopenComplaint'; reason?: string }
  | { type: 'RateComplaint'; satisfaction: number; comment?: string };

export interface ComplaintOptions {
  /** Compensation is recorded in the shop's base currency only. */
  shopCurrency?: string;
}

export function decide(
  command: ComplaintCommand,
  state: Complaint,
  policy: SlaPolicy,
  tierFactors: Readonly<Record<string, number>> = {},
  options: ComplaintOptions = {},
): ComplaintEvent[] {
  if (command.type === 'OpenComplaint') {
    if (state.opened) throw conflict('ComplaintAlreadyOpened', `complaint ${state.complaintId} is already open`, { complaintId: state.complaintId });
    const { occurredAt, customerTier, ...rest } = command;
    const factor = customerTier ? (tierFactors[customerTier] ?? 1) : 1;
    return [
      {
        type: 'ComplaintOpened',
        data: {
          complaintId: rest.complaintId,
          customerId: rest.customerId,
          subject: rest.subject,
          ...(rest.description ? { description: rest.description } : {}),
          channel: rest.channel,
          priority: rest.priority,
          agent: rest.agent,
          respondBy: respondBy(occurredAt, rest.priority, policy, factor).toISOString(),
          slaHours: slaHoursFor(rest.priority, policy, factor),
          ...(factor !== 1 ? { customerTier: customerTier as string, slaFactor: factor } : {}),
        },
      },
    ];
  }
  if (!state.opened || !state.complaintId || !state.customerId) throw notFound('ComplaintNotFound', 'complaint not found');
  const ids = { complaintId: state.complaintId, customerId: state.customerId };

  switch (command.type) {
    case 'AssignComplaint':
      if (state.status === 'resolved') throw refused('ComplaintResolved', 'the complaint is resolved; reopen it first');
      return command.agent === state.agent ? [] : [{ type: 'ComplaintAssigned', data: { ...ids, agent: command.agent, previousAgent: state.agent ?? '' } }];
    case 'EscalateComplaint': {
      if (state.status === 'resolved') throw refused('ComplaintResolved', 'the complaint is resolved; reopen it first');
      if (rank(command.priority) <= rank(state.priority)) {
        throw refused('PriorityNotHigher', `priority only goes up: ${command.priority} is not above ${state.priority}`, {
          current: state.priority,
          requested: command.priority,
        });
      }
      // A promised deadline is kept: escalation can only bring it forward.
      const byNewPriority = respondBy(command.occurredAt, command.priority, policy, state.slaFactor);
      const current = state.respondBy ? new Date(state.respondBy) : byNewPriority;
      const deadline = byNewPriority < current ? byNewPriority : current;
      const slaHours = slaHoursFor(command.priority, policy, state.slaFactor);
      return [{ type: 'ComplaintEscalated', data: { ...ids, priority: command.priority, previousPriority: state.priority, respondBy: deadline.toISOString(), slaHours } }];
    }
    case 'RespondToComplaint':
      if (state.status === 'resolved') throw refused('ComplaintResolved', 'a resolved complaint takes no answer until it is reopened');
      return [{ type: 'ComplaintResponded', data: { ...ids, message: command.message, agent: command.agent, first: !state.responded } }];
    case 'ResolveComplaint':
      if (state.status === 'resolved') throw refused('ComplaintAlreadyResolved', 'the complaint is already resolved');
      if (command.compensationMinor !== undefined && options.shopCurrency !== undefined && command.currency !== options.shopCurrency) {
        throw refused('CompensationCurrency', `compensation is recorded in the shop currency ${options.shopCurrency}, not ${command.currency}`);
      }
      return [
        {
          type: 'ComplaintResolved',
          data: {
            ...ids,
            resolution: command.resolution,
            ...(command.compensationMinor !== undefined ? { compensationMinor: command.compensationMinor, currency: command.currency } : {}),
          },
        },
      ];
    case 'ReopenComplaint':
      if (state.status !== 'resolved') throw refused('ComplaintNotResolved', 'only a resolved complaint can be reopened');
      return [{ type: 'ComplaintReopened', data: { ...ids, ...(command.reason ? { reason: command.reason } : {}) } }];
    case 'RateComplaint':
      if (state.status !== 'resolved') throw refused('ComplaintNotResolved', 'the customer rates the handling once the complaint is resolved');
      if (state.rated) throw refused('ComplaintAlreadyRated', 'this resolution is rated already; a reopened and resolved complaint can be rated again');
      if (!Number.isInteger(command.satisfaction) || command.satisfaction < 1 || command.satisfaction > 5) throw refused('InvalidSatisfaction', 'satisfaction is 1 to 5');
      return [{ type: 'ComplaintRated', data: { ...ids, satisfaction: command.satisfaction, ...(command.comment ? { comment: command.comment } : {}) } }];
    default: {
      const unknown: never = command;
      return unknown;
    }
  }
}
