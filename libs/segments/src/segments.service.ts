// The segments' application layer, called by every transport: publish a
// definition (version 1, then each next version), retire, read one with its
// versions or the list. The definition is parsed here, once, for all of them.
import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { SQL_CLIENT, SqlClient } from '@crm/database';
import { CommandResult, EVENT_STORE, EventStore } from '@crm/event-store';
import { allow, APP_CONFIG, AppConfig, invalid, minusMonths, newId, notFound, refused, RequestContext, shopDate } from '@crm/shared';
import { previewSegment, SegmentPreview } from './segment-preview';
import { membersOn, membershipHistory, membershipSizes, segmentsOfCustomer, SizeStep } from './membership/segment-members.query';
import { fieldsOf, ranksTheBase, SEGMENT_FIELD_CATALOG } from './segment-definition';
import { matches } from './segment-match';
import { scanStandings } from './standings/standings.query';
import { ExecuteSegmentCommand, loadSegment, SegmentView } from './segment-commands';
import { parseDefinition, SegmentDefinition } from './segment-definition';

export const SEGMENT_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;
/** Paths beside /segments/{id}: never a segment's id. */
const RESERVED_IDS = new Set(['rfm', 'preview']);

/** A definition as a body gives it, with the segment's options beside it. */
export interface SegmentInput {
  id?: string;
  asTag?: boolean;
  [part: string]: unknown;
}

export interface SegmentListItem {
  segmentId: string;
  name: string;
  version: number;
  asTag: boolean;
  status: 'active' | 'retired';
  publishedAt: string;
  publishedBy: string | null;
}

@Injectable()
export class SegmentsService {
  constructor(
    private readonly commands: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The definition of a body (its id and asTag apart), or a 400 naming the bad part. */
  definitionOf(input: SegmentInput): { definition: SegmentDefinition; asTag: boolean } {
    const { id: _id, asTag, ...definition } = input;
    if (asTag !== undefined && typeof asTag !== 'boolean') throw invalid('InvalidSegmentDefinition', 'asTag: must be true or false', { path: 'asTag' });
    return { definition: parseDefinition(definition, this.config.shopCurrency), asTag: asTag ?? false };
  }

  async create(input: SegmentInput, ctx: RequestContext): Promise<{ segmentId: string; result: CommandResult }> {
    allow(ctx, 'segments.manage');
    if (input.id !== undefined && (typeof input.id !== 'string' || !SEGMENT_ID.test(input.id) || RESERVED_IDS.has(input.id))) {
      throw invalid('InvalidSegmentDefinition', 'id: must be 1-64 lower case letters, digits, . _ - (e.g. south-dress-lovers)', { path: 'id' });
    }
    const segmentId = input.id ?? newId();
    const { definition, asTag } = this.definitionOf(input);
    const result = await this.commands.execute(new ExecuteSegmentCommand({ type: 'CreateSegment', segmentId, definition, asTag }, ctx));
    return { segmentId, result };
  }

  async revise(segmentId: string, input: SegmentInput, ctx: RequestContext): Promise<CommandResult> {
    allow(ctx, 'segments.manage');
    if (input.id !== undefined && input.id !== segmentId) throw invalid('InvalidSegmentDefinition', 'id: must be the id of the path, or left out', { path: 'id' });
    const { definition, asTag } = this.definitionOf(input);
    return this.commands.execute(new ExecuteSegmentCommand({ type: 'ReviseSegment', segmentId, definition, asTag }, ctx));
  }

  async retire(segmentId: string, ctx: RequestContext): Promise<CommandResult> {
    allow(ctx, 'segments.manage');
    return this.commands.execute(new ExecuteSegmentCommand({ type: 'RetireSegment', segmentId }, ctx));
  }

  /** A definition evaluated over the base on a date, against a published segment's last version when asked; writes nothing. */
  async preview(ctx: RequestContext, input: { definition: SegmentInput; compareTo?: string; asOf?: string; limit?: number }): Promise<SegmentPreview> {
    allow(ctx, 'segments.manage');
    const { definition } = this.definitionOf(input.definition);
    const compared = input.compareTo === undefined ? undefined : await this.get(ctx, input.compareTo);
    return previewSegment(this.sql, definition, {
      asOf: input.asOf ?? shopDate(new Date(), this.config.shopTimezone),
      limit: input.limit ?? 50,
      currency: this.config.shopCurrency,
      ...(compared ? { compareTo: { segmentId: compared.segmentId, version: compared.version, definition: compared.definition } } : {}),
    });
  }

  private today() {
    return shopDate(new Date(), this.config.shopTimezone);
  }

  /** Members on a date, with since when: from the membership read model, or evaluated on the date for a definition that ranks the base (RFM). */
  async members(ctx: RequestContext, segmentId: string, query: { asOf?: string; cursor?: string; limit?: number }) {
    const view = await this.get(ctx, segmentId);
    const asOf = query.asOf ?? this.today();
    const page = { cursor: query.cursor, limit: query.limit ?? 100 };
    const inForce = versionOn(view, asOf, this.config.shopTimezone);
    const retired = view.retiredAt !== null && shopDate(new Date(view.retiredAt), this.config.shopTimezone) <= asOf;
    if (!ranksTheBase(inForce.definition) || retired) {
      const answer = retired ? { asOf, items: [], nextCursor: null } : await membersOn(this.sql, segmentId, asOf, page);
      return { segmentId, version: inForce.version, evaluated: false, ...answer };
    }
    return { segmentId, version: inForce.version, evaluated: true, ...(await this.evaluatedMembers(inForce.definition, asOf, page)) };
  }

  private async evaluatedMembers(definition: SegmentDefinition, asOf: string, page: { cursor?: string; limit: number }) {
    const after = page.cursor === undefined ? undefined : Buffer.from(page.cursor, 'base64url').toString('utf8');
    const items: Array<{ customerId: string; since: null; version?: number }> = [];
    let more = false;
    await scanStandings(
      this.sql,
      asOf,
      (batch) => {
        for (const s of batch) {
          if ((after !== undefined && s.customerId <= after) || !matches(definition, s, asOf)) continue;
          if (items.length < page.limit) items.push({ customerId: s.customerId, since: null });
          else more = true;
        }
      },
      fieldsOf(definition),
      { windowMonths: [definition.windowMonths] },
    );
    const last = items[items.length - 1];
    return { asOf, items, nextCursor: more && last ? Buffer.from(last.customerId, 'utf8').toString('base64url') : null };
  }

  async history(ctx: RequestContext, segmentId: string, query: { from?: string; to?: string; cursor?: string; limit?: number }) {
    const view = await this.get(ctx, segmentId);
    this.projected(view);
    const to = query.to ?? this.today();
    const from = query.from ?? minusMonths(to, 1);
    if (from > to) throw invalid('InvalidSpan', 'from must not be after to', { from, to });
    return { segmentId, ...(await membershipHistory(this.sql, segmentId, { from, to }, { cursor: query.cursor, limit: query.limit ?? 100 })) };
  }

  async sizes(ctx: RequestContext, segmentId: string, query: { from?: string; to?: string; every?: SizeStep }) {
    const view = await this.get(ctx, segmentId);
    this.projected(view);
    const to = query.to ?? this.today();
    const from = query.from ?? minusMonths(to, 3);
    if (from > to) throw invalid('InvalidSpan', 'from must not be after to', { from, to });
    return { segmentId, ...(await membershipSizes(this.sql, segmentId, { from, to, every: query.every ?? 'day' })) };
  }

  /** A customer's segments on a date (those kept by the membership read model). */
  async ofCustomer(ctx: RequestContext, customerId: string, asOf?: string) {
    allow(ctx, 'segments.read');
    const on = asOf ?? this.today();
    return { customerId, asOf: on, items: await segmentsOfCustomer(this.sql, customerId, on) };
  }

  /** History and sizes are the read model's: a definition ranking the base (RFM) is evaluated per date instead. */
  private projected(view: SegmentView): void {
    if (view.versions.some((v) => ranksTheBase(v.definition)))
      throw refused(
        'SegmentNotProjected',
        `segment ${view.segmentId} ranks the whole base (RFM): its members are evaluated on each date asked, so it keeps no entries, exits or sizes`,
        {
          segmentId: view.segmentId,
        },
      );
  }

  async get(ctx: RequestContext, segmentId: string): Promise<SegmentView> {
    allow(ctx, 'segments.read');
    const view = await loadSegment(this.store, segmentId);
    if (!view) throw notFound('SegmentNotFound', `segment ${segmentId} is not published`, { segmentId });
    return view;
  }

  /** The fields a definition may use, with their kind and ops (a form's choices). */
  fields(ctx: RequestContext) {
    allow(ctx, 'segments.read');
    return SEGMENT_FIELD_CATALOG;
  }

  async list(ctx: RequestContext, options: { includeRetired?: boolean } = {}): Promise<SegmentListItem[]> {
    allow(ctx, 'segments.read');
    const rows = await this.sql.query<{
      segment_id: string;
      name: string;
      version: number;
      as_tag: boolean;
      retired: boolean;
      published_at: Date | string;
      published_by: string | null;
    }>(
      `SELECT segment_id, name, version, as_tag, retired, published_at, published_by FROM rm_segments ${options.includeRetired ? '' : 'WHERE NOT retired'} ORDER BY name, segment_id`,
    );
    return rows.map((r) => ({
      segmentId: r.segment_id,
      name: r.name,
      version: Number(r.version),
      asTag: r.as_tag,
      status: r.retired ? 'retired' : 'active',
      publishedAt: new Date(r.published_at).toISOString(),
      publishedBy: r.published_by,
    }));
  }
}

/** The version in force on a date: the last published by then (version 1 for every earlier date). */
function versionOn(view: SegmentView, asOf: string, timezone: string) {
  let found = view.versions[0];
  for (const v of view.versions) if (shopDate(new Date(v.publishedAt), timezone) <= asOf) found = v;
  return found;
}
