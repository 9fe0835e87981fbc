// The customer GraphQL writes: a mutation for every command. It only
// translates: the commands service checks, decides and answers, as for REST.
import { Args, ID, Int, Mutation, Resolver } from '@nestjs/graphql';
import { invalid, isKey, RequestContext } from '@crm/shared';
import { GqlCtx, idArg, WriteResult, writeResult } from '@crm/shared/http';
import { CustomerCommandsService } from '../customer-commands.service';
import { ConsentDto, LogContactDto, RecordPurchaseDto, RecordRefundDto, RegisterCustomerDto, UpdateProfileDto } from '../customers.dto';

function tagArg(tag: string): string {
  if (!isKey(tag)) throw invalid('InvalidTag', 'tag must be 1-128 letters, digits or - _ . : / # @');
  return tag;
}

@Resolver()
export class CustomerMutationsResolver {
  constructor(private readonly commands: CustomerCommandsService) {}

  @Mutation(() => WriteResult, { description: 'register a customer (customerRef unique)' })
  async registerCustomer(
    @GqlCtx() ctx: RequestContext,
    @Args('input', { type: () => RegisterCustomerDto }) input: RegisterCustomerDto,
    @Args('idempotencyKey', { type: () => String, nullable: true }) _key?: string,
  ): Promise<WriteResult> {
    const { ids, result } = await this.commands.register(input, ctx);
    return writeResult(ids.customerId, result);
  }

  @Mutation(() => WriteResult)
  async updateProfile(
    @GqlCtx() ctx: RequestContext,
    @Args('customerId', { type: () => ID }) customerId: string,
    @Args('input', { type: () => UpdateProfileDto }) input: UpdateProfileDto,
    @Args('expectedVersion', { type: () => Int, nullable: true }) _version?: number,
    @Args('idempotencyKey', { type: () => String, nullable: true }) _key?: string,
  ): Promise<WriteResult> {
    return writeResult(customerId, (await this.commands.updateProfile(idArg(customerId, 'customerId'), input, ctx)).result);
  }

  @Mutation(() => WriteResult, { description: 'record a purchase (the same orderId again records nothing)' })
  async recordPurchase(
    @GqlCtx() ctx: RequestContext,
    @Args('customerId', { type: () => ID }) customerId: string,
    @Args('input', { type: () => RecordPurchaseDto }) input: RecordPurchaseDto,
    @Args('expectedVersion', { type: () => Int, nullable: true }) _version?: number,
    @Args('idempotencyKey', { type: () => String, nullable: true }) _key?: string,
  ): Promise<WriteResult> {
    return writeResult(customerId, (await this.commands.recordPurchase(idArg(customerId, 'customerId'), input, ctx)).result);
  }

  @Mutation(() => WriteResult)
  async recordRefund(
    @GqlCtx() ctx: RequestContext,
    @Args('customerId', { type: () => ID }) customerId: string,
    @Args('input', { type: () => RecordRefundDto }) input: RecordRefundDto,
    @Args('expectedVersion', { type: () => Int, nullable: true }) _version?: number,
    @Args('idempotencyKey', { type: () => String, nullable: true }) _key?: string,
  ): Promise<WriteResult> {
    return writeResult(customerId, (await this.commands.recordRefund(idArg(customerId, 'customerId'), input, ctx)).result);
  }

  @Mutation(() => WriteResult)
  async tagCustomer(
    @GqlCtx() ctx: RequestContext,
    @Args('customerId', { type: () => ID }) customerId: string,
    @Args('tag', { type: () => String }) tag: string,
    @Args('expectedVersion', { type: () => Int, nullable: true }) _version?: number,
    @Args('idempotencyKey', { type: () => String, nullable: true }) _key?: string,
  ): Promise<WriteResult> {
    return writeResult(customerId, (await this.commands.tag(idArg(customerId, 'customerId'), tagArg(tag), ctx)).result);
  }

  @Mutation(() => WriteResult)
  async untagCustomer(
    @GqlCtx() ctx: RequestContext,
    @Args('customerId', { type: () => ID }) customerId: string,
    @Args('tag', { type: () => String }) tag: string,
    @Args('expectedVersion', { type: () => Int, nullable: true }) _version?: number,
    @Args('idempotencyKey', { type: () => String, nullable: true }) _key?: string,
  ): Promise<WriteResult> {
    return writeResult(customerId, (await this.commands.untag(idArg(customerId, 'customerId'), tagArg(tag), ctx)).result);
  }

  @Mutation(() => WriteResult)
  async changeConsent(
    @GqlCtx() ctx: RequestContext,
    @Args('customerId', { type: () => ID }) customerId: string,
    @Args('input', { type: () => ConsentDto }) input: ConsentDto,
    @Args('expectedVersion', { type: () => Int, nullable: true }) _version?: number,
    @Args('idempotencyKey', { type: () => String, nullable: true }) _key?: string,
  ): Promise<WriteResult> {
    return writeResult(customerId, (await this.commands.changeConsent(idArg(customerId, 'customerId'), input, ctx)).result);
  }

  @Mutation(() => WriteResult, { description: 'a care or marketing contact (marketing: consent, caps by lifecycle stage)' })
  async logContact(
    @GqlCtx() ctx: RequestContext,
    @Args('customerId', { type: () => ID }) customerId: string,
    @Args('input', { type: () => LogContactDto }) input: LogContactDto,
    @Args('expectedVersion', { type: () => Int, nullable: true }) _version?: number,
    @Args('idempotencyKey', { type: () => String, nullable: true }) _key?: string,
  ): Promise<WriteResult> {
    return writeResult(customerId, (await this.commands.logContact(idArg(customerId, 'customerId'), input, ctx)).result);
  }

  @Mutation(() => WriteResult, { description: "erase the customer's personal data (admin); the history stays" })
  async eraseCustomer(@GqlCtx() ctx: RequestContext, @Args('customerId', { type: () => ID }) customerId: string): Promise<WriteResult> {
    return writeResult(customerId, (await this.commands.erase(idArg(customerId, 'customerId'), ctx)).result);
  }
}
