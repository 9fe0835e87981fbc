// The campaigns' application layer, called by every transport: draft,
// cancel, backtest, launch, results and recipients. Whom a launch may contact
// is the customer decider's call (consent, caps, the lifecycle policy,
// erasure), exactly as for a single contact; this service picks the holdout
// and tallies the answers.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { SQL_CLIENT, SqlClient } from '@crm/database';
import { businessTime, CommandResult, EVENT_STORE, EventStore } from '@crm/event-store';
import { CustomerCommand, CustomerCommandsService, CustomerKeys, customerRules, customerStream, decide, decodeCustomerEvent, evolve, initialCustomer } from '@crm/customers';
import { PROJECTION_RUNNER, ProjectionRunner } from '@crm/projections';
import { SEGMENT_MEMBERS, SegmentsService } from '@crm/segments';
import {
  addDays,
  allow,
  APP_CONFIG,
  AppConfig,
  conflict,
  DomainError,
  invalid,
  nameUuid,
  newId,
  notFound,
  operationsOf,
  parseInstant,
  RequestContext,
  shopDate,
} from '@crm/shared';
import { CampaignChannel, CampaignDraft, EXCLUSION_REASONS, LaunchCounts } from './campaign';
import { CampaignView, ExecuteCampaignCommand, loadCampaign } from './campaign-commands';
import { groupResponses, recipientResponses, recipientsPage, ResponseWindow } from './campaign-results.query';
import { inHoldout } from './holdout';
import { summarize } from './campaign-summary';

export const CAMPAIGN_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export interface CampaignInput {
  id?: string;
  name: string;
  segmentId: string;
  channel: CampaignChannel;
  offer: string;
  sendAt: string;
  responseWindowDays?: number;
  holdoutPercent?: number;
  yearlyPromotion?: boolean;
}

/** Batches decided at once in a launch or a backtest. */
const BATCHES_IN_FLIGHT = 2;
/** How long a launch waits for the membership read model to hold every write before it. */
const CATCH_UP_MS = 30_000;

/** A launch's counts so far, while this process runs it (or since it stopped on an error). */
export type LaunchProgress = LaunchCounts & { running: boolean; error: string | null };
export type CampaignWithProgress = CampaignView & { progress: LaunchProgress | null };

interface RunningLaunch {
  counts: LaunchCounts;
  /** Settles when the launch is done; unset once it stopped on an error. */
  done?: Promise<void>;
  error: string | null;
}

type Outcome = { group: 'contacted' | 'held_out' } | { excluded: string };
/** A backtest's outcome also names the member's lifecycle stage at the send (its results are split by it). */
type Decided = { group: 'contacted' | 'held_out'; stage: string } | { excluded: string };

@Injectable()
export class CampaignsService {
  /** Audience members decided per batch: one read of their streams and one append. */
  launchBatchSize = 500;
  /** Launches this process runs (or that stopped here on an error), by campaign. */
  private readonly running = new Map<string, RunningLaunch>();
  private readonly logger = new Logger('campaigns');

  constructor(
    private readonly commands: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
    private readonly segments: SegmentsService,
    private readonly customers: CustomerCommandsService,
    private readonly keys: CustomerKeys,
  ) {}

  async create(input: CampaignInput, ctx: RequestContext): Promise<{ campaignId: string; result: CommandResult }> {
    allow(ctx, 'campaigns.manage');
    const sendAt = parseInstant(input.sendAt);
    if (!sendAt) throw invalid('InvalidTime', 'sendAt must be an ISO 8601 date-time with an offset, e.g. 2026-12-12T10:00:00+08:00', { path: 'sendAt' });
    const segment = await this.segments.get(ctx, input.segmentId);
    if (segment.status === 'retired')
      throw conflict('SegmentRetired', `segment ${input.segmentId} is retired: a campaign targets an active segment`, { segmentId: input.segmentId });
    const draft: CampaignDraft = {
      campaignId: input.id ?? newId(),
      name: input.name,
      segmentId: input.segmentId,
      channel: input.channel,
      offer: input.offer,
      sendAt: sendAt.toISOString(),
      responseWindowDays: input.responseWindowDays ?? 14,
      holdoutPercent: input.holdoutPercent ?? 10,
      yearlyPromotion: input.yearlyPromotion ?? false,
    };
    const result = await this.commands.execute(new ExecuteCampaignCommand({ type: 'DraftCampaign', draft }, ctx));
    return { campaignId: draft.campaignId, result };
  }

  async cancel(campaignId: string, ctx: RequestContext): Promise<CommandResult> {
    allow(ctx, 'campaigns.manage');
    return this.commands.execute(new ExecuteCampaignCommand({ type: 'CancelCampaign', campaignId }, ctx));
  }

  async get(ctx: RequestContext, campaignId: string): Promise<CampaignWithProgress> {
    allow(ctx, 'campaigns.read');
    const view = await loadCampaign(this.store, campaignId);
    if (!view) throw notFound('CampaignNotFound', `campaign ${campaignId} not found`, { campaignId });
    const running = view.status === 'launching' ? this.running.get(campaignId) : undefined;
    return { ...view, progress: running ? { running: running.done !== undefined, ...running.counts, error: running.error } : null };
  }

  async list(ctx: RequestContext, query: { status?: string; cursor?: string; limit?: number }) {
    allow(ctx, 'campaigns.read');
    const limit = query.limit ?? 100;
    const after = query.cursor === undefined ? undefined : decodeListCursor(query.cursor);
    const rows = await this.sql.query<{
      campaign_id: string;
      name: string;
      segment_id: string;
      channel: string;
      status: string;
      send_at: Date | string;
      created_at: Date | string;
      launch: unknown;
    }>(
      `SELECT campaign_id, name, segment_id, channel, status, send_at, created_at, launch FROM rm_campaigns
        WHERE ($1::text IS NULL OR status = $1) AND ($2::timestamptz IS NULL OR (created_at, campaign_id) < ($2::timestamptz, $3::text))
        ORDER BY created_at DESC, campaign_id DESC LIMIT $4`,
      [query.status ?? null, after?.createdAt ?? null, after?.campaignId ?? null, limit + 1],
    );
    const items = rows.slice(0, limit).map((r) => ({
      campaignId: r.campaign_id,
      name: r.name,
      segmentId: r.segment_id,
      channel: r.channel,
      status: r.status,
      sendAt: new Date(r.send_at).toISOString(),
      createdAt: new Date(r.created_at).toISOString(),
      launch: r.launch ?? null,
    }));
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeListCursor(last.createdAt, last.campaignId) : null };
  }

  /**
   * The campaign as if it had been sent at a past instant: the audience then
   * (the segment's members on that date), each member decided by the customer
   * decider on their history up to that instant, the holdout it would pick,
   * and who bought within the window. Writes nothing.
   */
  async backtest(ctx: RequestContext, campaignId: string, input: { sendAt?: string }) {
    allow(ctx, 'campaigns.manage');
    const view = await this.get(ctx, campaignId);
    const sendAt = input.sendAt === undefined ? new Date(view.sendAt) : parseInstant(input.sendAt);
    if (!sendAt) throw invalid('InvalidTime', 'sendAt must be an ISO 8601 date-time with an offset', { path: 'sendAt' });
    if (sendAt.getTime() > Date.now())
      throw invalid('BacktestInFuture', `a backtest answers for a send in the past; ${sendAt.toISOString()} is not`, { sendAt: sendAt.toISOString() });
    const sendDate = shopDate(sendAt, this.config.shopTimezone);
    const counts = emptyCounts();
    const members: Array<{ customerId: string; group: string; stage: string }> = [];
    counts.segmentVersion = await this.eachAudienceBatch(ctx, view.segmentId, sendDate, async (ids) => {
      const streams = await this.store.readStreams(ids.map(customerStream));
      ids.forEach((customerId) => {
        // Her history up to the send; her registration whenever it was recorded (a customer imported later with older purchases was a member then).
        const until = (streams.get(customerStream(customerId)) ?? []).filter((e) => e.type === 'CustomerRegistered' || Date.parse(businessTime(e)) <= sendAt.getTime());
        const state = until.map((e) => decodeCustomerEvent(e)).reduce(evolve, initialCustomer());
        const outcome = this.decideOne(view, customerId, sendAt, (command) => decide(command, state, customerRules(this.config, sendAt)));
        tally(counts, outcome);
        if ('group' in outcome) members.push({ customerId, ...outcome });
      });
    });
    const window = this.windowOf(sendAt, sendDate, view.responseWindowDays);
    return {
      campaignId,
      sendAt: sendAt.toISOString(),
      sendDate,
      window,
      audience: counts,
      ...summarize(await groupResponses(this.sql, members, window), this.config.shopCurrency),
    };
  }

  /**
   * Launch: the audience on the send date, each member contacted (or held
   * out) through the customer decider with the campaign's id, the counts
   * recorded at the end. Idempotent and crash-safe: a customer is decided
   * once per campaign (their stream says so) and the events' ids are named by
   * the campaign, so a re-run after a crash finishes the launch and doubles
   * nothing; a launched campaign answers its counts. In the background
   * (`background: true`) it answers once the launch has started; the
   * campaign's `progress` shows the counts so far while this process runs it.
   */
  async launch(ctx: RequestContext, campaignId: string, options: { background?: boolean } = {}): Promise<{ campaign: CampaignWithProgress; unchanged: boolean }> {
    allow(ctx, 'campaigns.manage');
    const running = this.running.get(campaignId);
    if (running?.done) {
      if (!options.background) await running.done;
      return { campaign: await this.get(ctx, campaignId), unchanged: options.background === true };
    }
    const view = await this.get(ctx, campaignId);
    if (view.status === 'launched') return { campaign: view, unchanged: true };
    const sendAt = new Date(view.sendAt);
    const sendDate = shopDate(sendAt, this.config.shopTimezone);
    if (view.status === 'draft') {
      const segment = await this.segments.get(ctx, view.segmentId);
      if (segment.status === 'retired') throw conflict('SegmentRetired', `segment ${view.segmentId} is retired: cancel the campaign`, { segmentId: view.segmentId });
    }
    await this.commands.execute(new ExecuteCampaignCommand({ type: 'StartLaunch', campaignId, sendDate, now: new Date(), clockSkewMs: this.config.clockSkewMs }, ctx));
    // The audience is read from the membership read model: it must hold every write acknowledged before the launch.
    if (!(await this.runner.waitFor(await this.store.lastPosition(), CATCH_UP_MS, [SEGMENT_MEMBERS]))) {
      throw conflict('ReadModelBehind', 'segment membership has not caught up with the latest writes: launch again in a moment (it continues where it stopped)', { campaignId });
    }
    const counts = emptyCounts();
    const entry: RunningLaunch = { counts, error: null };
    entry.done = this.decideAudience(ctx, view, sendAt, sendDate, counts).then(
      () => void this.running.delete(campaignId),
      (error: unknown) => {
        entry.done = undefined;
        entry.error = error instanceof Error ? error.message : String(error);
        this.logger.error(`launch of campaign ${campaignId} stopped after ${counts.audience} members: ${entry.error} (launching it again continues it)`);
        throw error;
      },
    );
    this.running.set(campaignId, entry);
    if (options.background)
      entry.done.catch(() => undefined); // logged above; the progress shows it
    else await entry.done;
    return { campaign: await this.get(ctx, campaignId), unchanged: false };
  }

  /** Every member decided in batches, tallied into `counts` as it goes, and the counts recorded. */
  private async decideAudience(ctx: RequestContext, view: CampaignView, sendAt: Date, sendDate: string, counts: LaunchCounts): Promise<void> {
    const campaignId = view.campaignId;
    // Event ids named by the campaign and the customer's stream: a re-run, or a concurrent launch, writes each once.
    const launchCtx: RequestContext = { ...ctx, idempotencyKey: `campaign-launch:${campaignId}`, causationId: nameUuid(`campaign:${campaignId}:CampaignLaunchStarted`) };
    counts.segmentVersion = await this.eachAudienceBatch(ctx, view.segmentId, sendDate, async (ids) => {
      const commands = ids.map((customerId) => this.commandFor(view, customerId, sendAt));
      const answers = await this.customers.campaignBatch(
        ids.map((customerId, i) => ({ customerId, command: commands[i] })),
        launchCtx,
      );
      answers.forEach((answer, i) => tally(counts, outcomeOf(answer, commands[i])));
    });
    await this.commands.execute(new ExecuteCampaignCommand({ type: 'FinishLaunch', campaignId, counts }, ctx));
  }

  /** Audience, contacted, exclusions by reason and holdout; responders, rates, lift and incremental net spend as of a date; the same by stage. */
  async results(ctx: RequestContext, campaignId: string, asOf?: string) {
    const view = await this.get(ctx, campaignId);
    if (view.status === 'draft' || view.status === 'cancelled') {
      throw conflict('CampaignNotLaunched', `campaign ${campaignId} is ${view.status}: results come after its launch (a backtest answers before)`, {
        campaignId,
        campaignStatus: view.status,
      });
    }
    const sendAt = new Date(view.sendAt);
    const sendDate = view.sendDate ?? shopDate(sendAt, this.config.shopTimezone);
    const on = asOf ?? shopDate(new Date(), this.config.shopTimezone);
    const window = this.windowOf(sendAt, sendDate, view.responseWindowDays, on);
    const responses = await recipientResponses(this.sql, campaignId, window);
    return { campaignId, status: view.status, asOf: on, sendAt: view.sendAt, sendDate, window, audience: view.launch, ...summarize(responses, this.config.shopCurrency) };
  }

  /** A page of recipients (contacted, or held out) with the channel's address, opened only for a principal who may read customers. */
  async recipients(ctx: RequestContext, campaignId: string, query: { outcome?: 'contacted' | 'held_out'; cursor?: string; limit?: number }) {
    const view = await this.get(ctx, campaignId);
    const limit = query.limit ?? 100;
    const after = query.cursor === undefined ? undefined : decodeIdCursor(query.cursor);
    const rows = await recipientsPage(this.sql, campaignId, { outcome: query.outcome ?? 'contacted', after, limit: limit + 1 });
    const page = rows.slice(0, limit);
    const addresses = operationsOf(ctx.principal).has('customers.read')
      ? await this.addresses(
          page.map((r) => r.customerId),
          view.channel,
        )
      : undefined;
    const items = page.map((r) => ({ ...r, channel: view.channel, address: addresses ? (addresses.get(r.customerId) ?? null) : undefined }));
    const last = items[items.length - 1];
    return { campaignId, items, nextCursor: rows.length > limit && last ? Buffer.from(last.customerId, 'utf8').toString('base64url') : null };
  }

  /** The phone (sms, phone) or email of each customer, opened with their key; none for wechat (the shop's sender maps the ref) or an erased customer. */
  private async addresses(customerIds: string[], channel: CampaignChannel): Promise<Map<string, string>> {
    const field = channel === 'email' ? 'email' : channel === 'wechat' ? undefined : 'phone';
    const found = new Map<string, string>();
    if (!field || customerIds.length === 0) return found;
    const [streams, keys] = await Promise.all([this.store.readStreams(customerIds.map(customerStream)), this.keys.getMany(customerIds)]);
    customerIds.forEach((id, i) => {
      const state = (streams.get(customerStream(id)) ?? []).map((e) => decodeCustomerEvent(e, keys[i])).reduce(evolve, initialCustomer());
      const value = state.profile[field];
      if (typeof value === 'string' && !state.erased) found.set(id, value);
    });
    return found;
  }

  private windowOf(sendAt: Date, sendDate: string, days: number, asOf?: string): ResponseWindow & { from: string; days: number } {
    const end = addDays(sendDate, days);
    return { from: sendDate, days, sendAt: sendAt.toISOString(), through: asOf !== undefined && asOf < end ? asOf : end };
  }

  /** The command a member gets: held out by the stable hash, else a marketing contact of the campaign. */
  private commandFor(view: CampaignDraft, customerId: string, sendAt: Date): CustomerCommand {
    const base = { campaignId: view.campaignId, channel: view.channel, occurredAt: sendAt, yearlyPromotion: view.yearlyPromotion };
    if (inHoldout(view.campaignId, customerId, view.holdoutPercent)) return { type: 'HoldOutOfCampaign', ...base };
    return { type: 'LogContact', kind: 'marketing', contactId: nameUuid(`campaign:${view.campaignId}:${customerId}`), note: view.name, ...base };
  }

  private decideOne(view: CampaignDraft, customerId: string, sendAt: Date, run: (command: CustomerCommand) => unknown[]): Decided {
    const command = this.commandFor(view, customerId, sendAt);
    try {
      const events = run(command) as Array<{ data: { stage?: string } }>;
      return { group: command.type === 'LogContact' ? 'contacted' : 'held_out', stage: events[0]?.data.stage ?? 'ACTIVE' };
    } catch (error) {
      if (error instanceof DomainError) return { excluded: error.code };
      throw error;
    }
  }

  /**
   * The segment's members on a date in batches (the version in force then is
   * answered), two batches in flight: one decides in this process while the
   * other's reads and appends wait on the database.
   */
  private async eachAudienceBatch(ctx: RequestContext, segmentId: string, on: string, each: (ids: string[]) => Promise<void>): Promise<number> {
    let version = 0;
    const inFlight = new Set<Promise<void>>();
    let failed: unknown;
    type Page = Awaited<ReturnType<SegmentsService['members']>>;
    let next: Promise<Page> | undefined = this.segments.members(ctx, segmentId, { asOf: on, limit: this.launchBatchSize });
    while (next) {
      const page: Page = await next;
      version = page.version;
      next = page.nextCursor ? this.segments.members(ctx, segmentId, { asOf: on, cursor: page.nextCursor, limit: this.launchBatchSize }) : undefined;
      if (page.items.length === 0) continue;
      const batch = each(page.items.map((m) => m.customerId)).catch((error: unknown) => {
        failed ??= error;
      });
      inFlight.add(batch);
      void batch.finally(() => inFlight.delete(batch));
      if (inFlight.size >= BATCHES_IN_FLIGHT) await Promise.race(inFlight);
      if (failed !== undefined) break;
    }
    await Promise.all(inFlight);
    if (failed !== undefined) throw failed;
    return version;
  }
}

function emptyCounts(): LaunchCounts {
  return { segmentVersion: 0, audience: 0, contacted: 0, heldOut: 0, excluded: Object.fromEntries(EXCLUSION_REASONS.map((r) => [r, 0])) as LaunchCounts['excluded'] };
}

function tally(counts: LaunchCounts, outcome: Outcome): void {
  counts.audience++;
  if ('excluded' in outcome) {
    const excluded = counts.excluded as Record<string, number>;
    excluded[outcome.excluded] = (excluded[outcome.excluded] ?? 0) + 1;
  } else if (outcome.group === 'contacted') counts.contacted++;
  else counts.heldOut++;
}

/** A launch's answer for one member: recorded now or before (a re-run), or the decider's refusal. */
function outcomeOf(answer: CommandResult | { error: unknown }, command: CustomerCommand): Outcome {
  if ('error' in answer) {
    if (answer.error instanceof DomainError) return { excluded: answer.error.code };
    throw answer.error;
  }
  return { group: command.type === 'LogContact' ? 'contacted' : 'held_out' };
}

function encodeListCursor(createdAt: string, campaignId: string): string {
  return Buffer.from(JSON.stringify([createdAt, campaignId]), 'utf8').toString('base64url');
}

function decodeListCursor(cursor: string): { createdAt: string; campaignId: string } {
  try {
    const [createdAt, campaignId] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof createdAt === 'string' && parseInstant(createdAt) && typeof campaignId === 'string' && CAMPAIGN_ID.test(campaignId)) return { createdAt, campaignId };
  } catch {
    // answered below
  }
  throw invalid('InvalidCursor', 'cursor is not one this list gave');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function decodeIdCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!UUID.test(id)) throw invalid('InvalidCursor', 'cursor is not one this list gave');
  return id;
}
