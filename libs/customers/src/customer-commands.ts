// The customer stream's command message and its one handler: the shared
// load-decide-append shape with the customer decider and the shop's rules.
// A message carries one command, or several for the same customer (an
// import's rows), decided in order on the evolving state and appended at once.
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { APP_CONFIG, AppConfig, conflict, DomainError, eventMetadata, nameUuid, refused, RequestContext, requestEventId } from '@crm/shared';
import { CommandResult, EVENT_STORE, EventStore, handleCommand, handleCommandBatch } from '@crm/event-store';
import { Customer, CustomerEvent, customerSnapshot, decodeCustomerEvent, encodeCustomerEvent, evolve, initialCustomer } from './customer';
import { CustomerKeys } from './privacy/customer-keys';
import { hasPersonalData } from './privacy/personal-data';
import { CustomerCommand, CustomerRules, decide, sameAsEarlier } from './business-logic';

export const customerStream = (customerId: string) => `customer-${customerId}`;

export class ExecuteCustomerCommand extends Command<CommandResult> {
  readonly commands: readonly CustomerCommand[];
  constructor(
    readonly customerId: string,
    command: CustomerCommand | readonly CustomerCommand[],
    readonly context: RequestContext,
    readonly source: 'api' | 'import' | 'system' = 'api',
  ) {
    super();
    this.commands = Array.isArray(command) ? command : [command as CustomerCommand];
  }
}

/** Several customers' commands decided on one read and appended in one transaction (an import's batch). */
export class ExecuteCustomerCommandBatch extends Command<Array<CommandResult | { error: unknown }>> {
  constructor(
    readonly items: ReadonlyArray<{ customerId: string; commands: readonly CustomerCommand[]; context: RequestContext }>,
    readonly source: 'api' | 'import' | 'system' = 'import',
  ) {
    super();
  }
}

/** A refusal of the i-th command of a batch: which one it was. */
export class CommandInBatchError extends Error {
  override readonly name = 'CommandInBatchError';
  constructor(
    readonly index: number,
    readonly refusal: DomainError,
  ) {
    super(refusal.message);
  }
}

/** Purchases and refunds are keyed by their external ids: the same order twice is one event. */
export function naturalEventId(event: CustomerEvent): string | undefined {
  if (event.type === 'PurchaseRecorded') return nameUuid(`order:${event.data.orderId}`);
  if (event.type === 'RefundRecorded') return nameUuid(`refund:${event.data.refundId}`);
  return undefined;
}

export function customerRules(config: AppConfig, now = new Date()): CustomerRules {
  return {
    shopCurrency: config.shopCurrency,
    shopTimezone: config.shopTimezone,
    marketingCapsByStage: config.marketingCapsByStage,
    now,
    clockSkewMs: config.clockSkewMs,
  };
}

function writesPersonalData(command: CustomerCommand): boolean {
  return (command.type === 'RegisterCustomer' && hasPersonalData(command.profile)) || (command.type === 'UpdateProfile' && hasPersonalData(command.changes));
}

/** Decide each command on the state the ones before it left. */
function decideAll(commands: readonly CustomerCommand[], state: Customer, rules: CustomerRules): CustomerEvent[] {
  if (commands.length === 1) return decide(commands[0], state, rules);
  const events: CustomerEvent[] = [];
  commands.forEach((command, index) => {
    try {
      for (const event of decide(command, state, rules)) {
        events.push(event);
        state = evolve(state, event);
      }
    } catch (error) {
      throw error instanceof DomainError ? new CommandInBatchError(index, error) : error;
    }
  });
  return events;
}

function duplicateIdError(command: CustomerCommand): DomainError {
  if (command.type === 'RecordPurchase')
    return conflict('OrderRecordedForAnotherCustomer', `order ${command.orderId} is already recorded for another customer`, { orderId: command.orderId });
  if (command.type === 'RecordRefund')
    return conflict('RefundRecordedForAnotherCustomer', `refund ${command.refundId} is already recorded for another customer`, { refundId: command.refundId });
  return conflict('EventIdInUse', 'these events were already recorded elsewhere');
}

@CommandHandler(ExecuteCustomerCommand)
export class CustomerCommandHandler implements ICommandHandler<ExecuteCustomerCommand, CommandResult> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly keys: CustomerKeys,
  ) {}

  async execute({ customerId, commands, context, source }: ExecuteCustomerCommand): Promise<CommandResult> {
    const streamId = customerStream(customerId);
    const rules = customerRules(this.config);
    const single = commands.length === 1 ? commands[0] : undefined;
    // The customer's data key: made when personal data is first written, read to open what is stored.
    const key = commands.some(writesPersonalData) ? await this.keys.getOrCreate(customerId) : await this.keys.get(customerId);
    if (key === 'erased' && commands.some(writesPersonalData) && !commands.some((c) => c.type === 'RegisterCustomer')) {
      throw refused('PersonalDataErased', `customer ${customerId}'s personal data was erased: no personal field is stored for them again`, { customerId });
    }
    return handleCommand<Customer, CustomerEvent>(
      this.store,
      streamId,
      { initialState: initialCustomer, evolve, decode: (recorded) => decodeCustomerEvent(recorded, key), snapshot: customerSnapshot(key) },
      (state) => decideAll(commands, state, rules),
      {
        ifMatch: context.ifMatch,
        metadata: eventMetadata(context, source),
        eventId: (event, i) => naturalEventId(event) ?? requestEventId(context, streamId, i),
        encode: (event) => encodeCustomerEvent(event, key),
        sameAsEarlier: single ? sameAsEarlier(single) : undefined,
        onDuplicateId: () =>
          single ? duplicateIdError(single) : conflict('RecordedForAnotherCustomer', 'an order or refund id of this customer is already recorded for another customer'),
      },
    );
  }
}

@CommandHandler(ExecuteCustomerCommandBatch)
export class CustomerCommandBatchHandler implements ICommandHandler<ExecuteCustomerCommandBatch, Array<CommandResult | { error: unknown }>> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly keys: CustomerKeys,
    private readonly single: CustomerCommandHandler,
  ) {}

  async execute({ items, source }: ExecuteCustomerCommandBatch): Promise<Array<CommandResult | { error: unknown }>> {
    // Keys made in one go for the customers whose personal data is written (an import's new customers with names);
    // an erased customer among them takes the one-by-one path, which refuses or skips what it must.
    const ids = items.map((i) => i.customerId);
    const personal = new Set(items.filter((item) => item.commands.some(writesPersonalData)).map((item) => item.customerId));
    const found = new Map((await this.keys.getOrCreateMany(ids, personal)).map((key, i) => [ids[i], key]));
    const keys = [...personal].some((id) => found.get(id) === 'erased') ? undefined : found;
    const rules = customerRules(this.config);
    const answers =
      keys &&
      (await handleCommandBatch<Customer, CustomerEvent>(
        this.store,
        items.map(({ customerId, commands, context }) => {
          const key = keys.get(customerId);
          const streamId = customerStream(customerId);
          return {
            streamId,
            decider: { initialState: initialCustomer, evolve, decode: (recorded) => decodeCustomerEvent(recorded, key) },
            decide: (state: Customer) => decideAll(commands, state, rules),
            options: {
              metadata: eventMetadata(context, source),
              eventId: (event: CustomerEvent, i: number) => naturalEventId(event) ?? requestEventId(context, streamId, i),
              encode: (event: CustomerEvent) => encodeCustomerEvent(event, key),
            },
          };
        }),
      ));
    if (answers) return answers;
    const oneByOne: Array<CommandResult | { error: unknown }> = [];
    for (const { customerId, commands, context } of items) {
      try {
        oneByOne.push(await this.single.execute(new ExecuteCustomerCommand(customerId, commands, context, source)));
      } catch (error) {
        oneByOne.push({ error });
      }
    }
    return oneByOne;
  }
}
