// The customer stream's command message and its one handler: the shared
// load-decide-append shape with the customer decider and the shop's rules.
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { APP_CONFIG, AppConfig, conflict, eventMetadata, nameUuid, RequestContext, requestEventId } from '@crm/shared';
import { CommandResult, EVENT_STORE, EventStore, handleCommand } from '@crm/event-store';
import { Customer, CustomerEvent, evolve, initialCustomer } from './customer';
import { CustomerCommand, decide, sameAsEarlier } from './business-logic';

export const customerStream = (customerId: string) => `customer-${customerId}`;

export class ExecuteCustomerCommand extends Command<CommandResult> {
  constructor(
    readonly customerId: string,
    readonly command: CustomerCommand,
    readonly context: RequestContext,
    /** Business time of what happened (metadata.occurredAt). */
    readonly occurredAt: Date,
    readonly source: 'api' | 'import' | 'system' = 'api',
  ) {
    super();
  }
}

/** Purchases and refunds are keyed by their external ids: the same order twice is one event. */
export function naturalEventId(event: CustomerEvent): string | undefined {
  if (event.type === 'PurchaseRecorded') return nameUuid(`order:${event.data.orderId}`);
  if (event.type === 'RefundRecorded') return nameUuid(`refund:${event.data.refundId}`);
  return undefined;
}

@CommandHandler(ExecuteCustomerCommand)
export class CustomerCommandHandler implements ICommandHandler<ExecuteCustomerCommand, CommandResult> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  execute({ customerId, command, context, occurredAt, source }: ExecuteCustomerCommand): Promise<CommandResult> {
    const streamId = customerStream(customerId);
    const rules = {
      shopCurrency: this.config.shopCurrency,
      shopTimezone: this.config.shopTimezone,
      marketingCapPerMonth: this.config.marketingCapPerMonth,
    };
    return handleCommand<Customer, CustomerEvent>(
      this.store,
      streamId,
      { initialState: initialCustomer, evolve },
      (state) => decide(command, state, rules),
      {
        ifMatch: context.ifMatch,
        metadata: eventMetadata(context, source, occurredAt),
        eventId: (event, i) => naturalEventId(event) ?? requestEventId(context, streamId, i),
        sameAsEarlier: sameAsEarlier(command),
        onDuplicateId: () =>
          command.type === 'RecordPurchase'
            ? conflict('OrderRecordedForAnotherCustomer', `order ${command.orderId} is already recorded for another customer`, { orderId: command.orderId })
            : command.type === 'RecordRefund'
              ? conflict('RefundRecordedForAnotherCustomer', `refund ${command.refundId} is already recorded for another customer`, { refundId: command.refundId })
              : conflict('EventIdInUse', 'these events were already recorded elsewhere'),
      },
    );
  }
}
