// The customer capability's write side: every transport (REST, GraphQL, the
// CLI, the import) records through these and nothing else. Edge values become
// commands (customer-inputs.ts) and take the one command path; the rules are
// the decider's.
import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { CommandResult, EVENT_STORE, EventStore } from '@crm/event-store';
import { allow, APP_CONFIG, AppConfig, nameUuid, notFound, RequestContext } from '@crm/shared';
import { ConsentChannel, Profile } from './customer';
import { CustomerCommand } from './business-logic';
import { ExecuteCustomerCommand, ExecuteCustomerCommandBatch } from './customer-commands';
import { loadCustomerHistory } from './customer-history';
import {
  ContactInput,
  customerIdForRef,
  ImportedRows,
  importCommands,
  instant,
  profileOf,
  PurchaseInput,
  purchaseCommand,
  RefundInput,
  refundCommand,
  RegisterInput,
  Written,
} from './customer-inputs';
import { CustomerKeys } from './privacy/customer-keys';

@Injectable()
export class CustomerCommandsService {
  constructor(
    private readonly commands: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly keys: CustomerKeys,
  ) {}

  private run(customerId: string, command: CustomerCommand | CustomerCommand[], ctx: RequestContext, source: 'api' | 'import' = 'api'): Promise<CommandResult> {
    return this.commands.execute(new ExecuteCustomerCommand(customerId, command, ctx, source));
  }

  async register(input: RegisterInput, ctx: RequestContext): Promise<Written<{ customerId: string; customerRef: string | null }>> {
    allow(ctx, 'customers.register');
    const { customerRef, occurredAt, ...profile } = input;
    const customerId = customerRef ? customerIdForRef(customerRef) : ctx.idempotencyKey ? nameUuid(`register:${ctx.idempotencyKey}`) : randomUUID();
    const when = occurredAt !== undefined ? instant(occurredAt, 'occurredAt') : undefined;
    const result = await this.run(customerId, { type: 'RegisterCustomer', customerId, customerRef, profile: profileOf(profile), occurredAt: when }, ctx);
    return { ids: { customerId, customerRef: customerRef ?? null }, result };
  }

  async updateProfile(customerId: string, changes: Profile, ctx: RequestContext): Promise<Written<{ customerId: string }>> {
    allow(ctx, 'customers.update');
    return { ids: { customerId }, result: await this.run(customerId, { type: 'UpdateProfile', changes: profileOf(changes) }, ctx) };
  }

  async recordPurchase(customerId: string, input: PurchaseInput, ctx: RequestContext): Promise<Written<{ customerId: string; orderId: string }>> {
    allow(ctx, 'purchases.record');
    return { ids: { customerId, orderId: input.orderId }, result: await this.run(customerId, purchaseCommand(input, this.config.shopCurrency), ctx) };
  }

  async recordRefund(customerId: string, input: RefundInput, ctx: RequestContext): Promise<Written<{ customerId: string; refundId: string }>> {
    allow(ctx, 'refunds.record');
    return { ids: { customerId, refundId: input.refundId }, result: await this.run(customerId, refundCommand(input, this.config.shopCurrency), ctx) };
  }

  /**
   * One customer's history rows of an import, through the same command path:
   * registered on the fly when the ref is new, then each row decided in order,
   * all appended at once or none.
   */
  async importRows(customerRef: string, rows: ImportedRows, profile: Profile, ctx: RequestContext): Promise<CommandResult> {
    allow(ctx, 'imports.run');
    return this.run(customerIdForRef(customerRef), importCommands(customerRef, rows, profile, this.config.shopCurrency), ctx, 'import');
  }

  /**
   * Several customers' import rows decided on one read and appended in one
   * transaction; each customer's answer, or the refusal of one of its rows
   * (a CommandInBatchError naming it), or another error.
   */
  async importBatch(items: ReadonlyArray<{ customerRef: string; rows: ImportedRows; profile: Profile; ctx: RequestContext }>): Promise<Array<CommandResult | { error: unknown }>> {
    for (const item of items) allow(item.ctx, 'imports.run');
    const answers: Array<CommandResult | { error: unknown }> = [];
    const batch: Array<{ at: number; customerId: string; commands: CustomerCommand[]; context: RequestContext }> = [];
    items.forEach(({ customerRef, rows, profile, ctx }, at) => {
      try {
        batch.push({ at, customerId: customerIdForRef(customerRef), commands: importCommands(customerRef, rows, profile, this.config.shopCurrency), context: ctx });
      } catch (error) {
        answers[at] = { error };
      }
    });
    const decided = await this.commands.execute(new ExecuteCustomerCommandBatch(batch, 'import'));
    batch.forEach(({ at }, i) => (answers[at] = decided[i]));
    return answers;
  }

  async tag(customerId: string, tag: string, ctx: RequestContext): Promise<Written<{ customerId: string; tag: string }>> {
    allow(ctx, 'customers.update');
    return { ids: { customerId, tag }, result: await this.run(customerId, { type: 'TagCustomer', tag }, ctx) };
  }

  async untag(customerId: string, tag: string, ctx: RequestContext): Promise<Written<{ customerId: string; tag: string }>> {
    allow(ctx, 'customers.update');
    return { ids: { customerId, tag }, result: await this.run(customerId, { type: 'UntagCustomer', tag }, ctx) };
  }

  async changeConsent(customerId: string, consent: Partial<Record<ConsentChannel, boolean>>, ctx: RequestContext): Promise<Written<{ customerId: string }>> {
    allow(ctx, 'customers.update');
    const given = Object.fromEntries(Object.entries(consent).filter(([, v]) => v !== undefined));
    return { ids: { customerId }, result: await this.run(customerId, { type: 'ChangeConsent', consent: given }, ctx) };
  }

  async logContact(customerId: string, input: ContactInput, ctx: RequestContext): Promise<Written<{ customerId: string; contactId: string }>> {
    allow(ctx, 'contacts.log');
    const contactId = ctx.idempotencyKey ? nameUuid(`contact:${ctx.idempotencyKey}`) : randomUUID();
    const occurredAt = instant(input.occurredAt, 'occurredAt');
    const command: CustomerCommand = {
      type: 'LogContact',
      contactId,
      kind: input.kind,
      channel: input.channel,
      note: input.note,
      occurredAt,
      yearlyPromotion: input.yearlyPromotion,
    };
    return { ids: { customerId, contactId }, result: await this.run(customerId, command, ctx) };
  }

  /**
   * A campaign launch's commands (a contact with the campaign's id, or a
   * holdout) for many customers: each decided by the customer decider as a
   * single contact is, one read and one append a batch. Answers each
   * customer's result or refusal.
   */
  async campaignBatch(items: ReadonlyArray<{ customerId: string; command: CustomerCommand }>, ctx: RequestContext): Promise<Array<CommandResult | { error: unknown }>> {
    allow(ctx, 'campaigns.manage');
    return this.commands.execute(
      new ExecuteCustomerCommandBatch(
        items.map(({ customerId, command }) => ({ customerId, commands: [command], context: ctx })),
        'system',
      ),
    );
  }

  /**
   * Erasure on request: the customer's data key is destroyed first (every
   * sealed copy of their personal fields becomes unreadable at once), then
   * CustomerErased is recorded, and the read models drop what they held.
   * Purchases, tiers, lifecycle, RFM and metrics are untouched. Repeating it
   * records nothing.
   */
  async erase(customerId: string, ctx: RequestContext): Promise<Written<{ customerId: string }>> {
    allow(ctx, 'privacy.erase');
    if (!(await loadCustomerHistory(this.store, customerId, this.config.shopTimezone))) throw notFound('CustomerNotFound', `customer ${customerId} not found`);
    await this.keys.erase(customerId);
    return { ids: { customerId }, result: await this.run(customerId, { type: 'EraseCustomer' }, ctx) };
  }
}
