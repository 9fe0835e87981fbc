import { deciderSpec } from '../../../test/support/decider-spec';
import { ComplaintCommand, decide } from './business-logic';
import { ComplaintEvent, evolve, initialComplaint } from './complaint';
import { SlaPolicy } from './sla-policy';

const policy: SlaPolicy = { FEEDBACK: 72, NORMAL: 24, URGENT: 4, CRITICAL: 2, RED_ALERT: 1 };
const given = deciderSpec(initialComplaint, evolve, (c: ComplaintCommand, s) => decide(c, s, policy));
const ids = { complaintId: 'k-1', customerId: 'c-1' };
const opened = (
  priority: ComplaintEvent & { type: 'ComplaintOpened' } extends { data: { priority: infer P } } ? P : never = 'NORMAL',
  respondBy = '2024-06-02T10:00:00.000Z',
): ComplaintEvent => ({
  type: 'ComplaintOpened',
  data: { ...ids, subject: 'damaged', channel: 'wechat', priority, agent: 'wang', respondBy, slaHours: policy[priority] },
});
const resolved: ComplaintEvent = { type: 'ComplaintResolved', data: { ...ids, resolution: 'replaced' } };
const responded: ComplaintEvent = { type: 'ComplaintResponded', data: { ...ids, message: 'on it', agent: 'wang', first: true } };

describe('opening a complaint', () => {
  it.each([
    ['FEEDBACK', '2024-06-04T10:00:00.000Z'],
    ['NORMAL', '2024-06-02T10:00:00.000Z'],
    ['URGENT', '2024-06-01T14:00:00.000Z'],
    ['CRITICAL', '2024-06-01T12:00:00.000Z'],
    ['RED_ALERT', '2024-06-01T11:00:00.000Z'],
  ] as const)('a %s complaint must be answered by %s', (priority, respondBy) =>
    given([])
      .when({ type: 'OpenComplaint', ...ids, subject: 'damaged', channel: 'wechat', priority, agent: 'wang', occurredAt: new Date('2024-06-01T10:00:00Z') })
      .then([{ type: 'ComplaintOpened', data: { ...ids, subject: 'damaged', channel: 'wechat', priority, agent: 'wang', respondBy, slaHours: policy[priority] } }]),
  );

  it('opening it twice is a conflict', () =>
    given([opened()])
      .when({ type: 'OpenComplaint', ...ids, subject: 'x', channel: 'wechat', priority: 'NORMAL', agent: 'wang', occurredAt: new Date() })
      .thenRefused('ComplaintAlreadyOpened', 'conflict'));

  it('any step on an unknown complaint is not found', () => given([]).when({ type: 'ReopenComplaint' }).thenRefused('ComplaintNotFound', 'not_found'));
});

describe('escalation', () => {
  it('raises the priority and brings the deadline forward', () =>
    given([opened('NORMAL', '2024-06-02T10:00:00.000Z')])
      .when({ type: 'EscalateComplaint', priority: 'CRITICAL', occurredAt: new Date('2024-06-01T12:00:00Z') })
      .then([{ type: 'ComplaintEscalated', data: { ...ids, priority: 'CRITICAL', previousPriority: 'NORMAL', respondBy: '2024-06-01T14:00:00.000Z', slaHours: 2 } }]));

  it('never moves a promised deadline later', () =>
    given([opened('URGENT', '2024-06-01T14:00:00.000Z')])
      .when({ type: 'EscalateComplaint', priority: 'CRITICAL', occurredAt: new Date('2024-06-01T13:30:00Z') })
      .then([{ type: 'ComplaintEscalated', data: { ...ids, priority: 'CRITICAL', previousPriority: 'URGENT', respondBy: '2024-06-01T14:00:00.000Z', slaHours: 2 } }]));

  it.each(['NORMAL', 'FEEDBACK'] as const)('refuses to go from NORMAL to %s: priority only goes up', (priority) =>
    given([opened('NORMAL')])
      .when({ type: 'EscalateComplaint', priority, occurredAt: new Date() })
      .thenRefused('PriorityNotHigher', 'rule'),
  );
});

describe('answering, resolving, reopening', () => {
  it('the first answer is marked first, later ones not', () => {
    given([opened()]).when({ type: 'RespondToComplaint', message: 'on it', agent: 'wang' }).then([responded]);
    given([opened(), responded])
      .when({ type: 'RespondToComplaint', message: 'sent', agent: 'li' })
      .then([{ type: 'ComplaintResponded', data: { ...ids, message: 'sent', agent: 'li', first: false } }]);
  });

  it('a resolved complaint takes no answer until reopened', () => {
    given([opened(), resolved]).when({ type: 'RespondToComplaint', message: 'late', agent: 'wang' }).thenRefused('ComplaintResolved', 'rule');
    given([opened(), resolved, { type: 'ComplaintReopened', data: ids }])
      .when({ type: 'RespondToComplaint', message: 'again', agent: 'wang' })
      .then([{ type: 'ComplaintResponded', data: { ...ids, message: 'again', agent: 'wang', first: true } }]);
  });

  it("compensation in another currency than the shop's is refused", () =>
    deciderSpec(initialComplaint, evolve, (c: ComplaintCommand, st) => decide(c, st, policy, {}, { shopCurrency: 'CNY' }))([opened('NORMAL')])
      .when({ type: 'ResolveComplaint', resolution: 'refunded', compensationMinor: 5_00, currency: 'USD' })
      .thenRefused('CompensationCurrency', 'rule'));

  it('resolves with compensation, once', () => {
    given([opened()])
      .when({ type: 'ResolveComplaint', resolution: 'refunded', compensationMinor: 20_00, currency: 'CNY' })
      .then([{ type: 'ComplaintResolved', data: { ...ids, resolution: 'refunded', compensationMinor: 20_00, currency: 'CNY' } }]);
    given([opened(), resolved]).when({ type: 'ResolveComplaint', resolution: 'again' }).thenRefused('ComplaintAlreadyResolved', 'rule');
  });

  it('only a resolved complaint can be reopened', () => {
    given([opened()]).when({ type: 'ReopenComplaint' }).thenRefused('ComplaintNotResolved', 'rule');
    given([opened(), resolved])
      .when({ type: 'ReopenComplaint', reason: 'broke again' })
      .then([{ type: 'ComplaintReopened', data: { ...ids, reason: 'broke again' } }]);
  });

  it('reassigning to the same agent records nothing; a resolved complaint is not reassigned', () => {
    given([opened()]).when({ type: 'AssignComplaint', agent: 'wang' }).thenNothing();
    given([opened()])
      .when({ type: 'AssignComplaint', agent: 'li' })
      .then([{ type: 'ComplaintAssigned', data: { ...ids, agent: 'li', previousAgent: 'wang' } }]);
    given([opened(), resolved]).when({ type: 'AssignComplaint', agent: 'li' }).thenRefused('ComplaintResolved');
  });
});

describe('service as a tier privilege', () => {
  const byTier = deciderSpec(initialComplaint, evolve, (c: ComplaintCommand, s) => decide(c, s, policy, { VIP: 0.5, SUPREME: 0.5 }));
  const open = (customerTier: string | null) =>
    ({
      type: 'OpenComplaint',
      ...ids,
      subject: 'damaged',
      channel: 'wechat',
      priority: 'URGENT',
      agent: 'wang',
      occurredAt: new Date('2024-06-01T10:00:00Z'),
      customerTier,
    }) as const;

  it("a VIP customer's complaint gets half the hours, and says why", () =>
    byTier([])
      .when(open('VIP'))
      .then([
        {
          type: 'ComplaintOpened',
          data: {
            ...ids,
            subject: 'damaged',
            channel: 'wechat',
            priority: 'URGENT',
            agent: 'wang',
            respondBy: '2024-06-01T12:00:00.000Z',
            slaHours: 2,
            customerTier: 'VIP',
            slaFactor: 0.5,
          },
        },
      ]));

  it.each([['SENIOR'], [null]])('a %s customer gets the full hours', (tier) =>
    byTier([])
      .when(open(tier))
      .then([
        { type: 'ComplaintOpened', data: { ...ids, subject: 'damaged', channel: 'wechat', priority: 'URGENT', agent: 'wang', respondBy: '2024-06-01T14:00:00.000Z', slaHours: 4 } },
      ]),
  );

  it('an escalation keeps the factor fixed at opening', () => {
    const vipOpened: ComplaintEvent = {
      type: 'ComplaintOpened',
      data: {
        ...ids,
        subject: 'damaged',
        channel: 'wechat',
        priority: 'NORMAL',
        agent: 'wang',
        respondBy: '2024-06-01T22:00:00.000Z',
        slaHours: 12,
        customerTier: 'VIP',
        slaFactor: 0.5,
      },
    };
    byTier([vipOpened])
      .when({ type: 'EscalateComplaint', priority: 'CRITICAL', occurredAt: new Date('2024-06-01T11:00:00Z') })
      .then([{ type: 'ComplaintEscalated', data: { ...ids, priority: 'CRITICAL', previousPriority: 'NORMAL', respondBy: '2024-06-01T12:00:00.000Z', slaHours: 1 } }]);
  });
});

describe('the customer rates the handling', () => {
  const rated = (satisfaction: number): ComplaintEvent => ({ type: 'ComplaintRated', data: { ...ids, satisfaction } });
  const reopened: ComplaintEvent = { type: 'ComplaintReopened', data: { ...ids } };

  it('a resolved complaint is rated 1-5 with a comment', () =>
    given([opened(), resolved])
      .when({ type: 'RateComplaint', satisfaction: 4, comment: 'quick' })
      .then([{ type: 'ComplaintRated', data: { ...ids, satisfaction: 4, comment: 'quick' } }]));
  it('an open complaint cannot be rated yet', () => given([opened()]).when({ type: 'RateComplaint', satisfaction: 5 }).thenRefused('ComplaintNotResolved', 'rule'));
  it('a resolution is rated once', () =>
    given([opened(), resolved, rated(2)])
      .when({ type: 'RateComplaint', satisfaction: 5 })
      .thenRefused('ComplaintAlreadyRated', 'rule'));
  it('reopened and resolved again, it can be rated again', () =>
    given([opened(), resolved, rated(2), reopened, resolved])
      .when({ type: 'RateComplaint', satisfaction: 5 })
      .then([rated(5)]));
  it.each([0, 6, 2.5])('satisfaction %d is refused', (satisfaction) =>
    given([opened(), resolved]).when({ type: 'RateComplaint', satisfaction }).thenRefused('InvalidSatisfaction'),
  );
});
