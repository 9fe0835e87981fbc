// customerTimeline over graphql-ws: every new timeline entry of a customer,
// stored and derived, once it is projected. The cursor of each entry is the
// global position it was recorded at; a client that reconnects with
// `after: <last cursor>` gets what it missed, each entry once.
import { Inject } from '@nestjs/common';
import { Args, Field, ID, ObjectType, Resolver, Subscription } from '@nestjs/graphql';
import { PROJECTION_RUNNER, ProjectionRunner } from '@crm/projections';
import { invalid, RequestContext } from '@crm/shared';
import { GqlCtx, idArg } from '@crm/shared/http';
import { TimelineQuery } from '../timeline-query/timeline.query';
import { TimelineEntryType } from './timeline.resolver';

@ObjectType('TimelineUpdate')
class TimelineUpdate {
  @Field(() => String, { description: 'pass the last one as `after` when reconnecting' }) cursor!: string;
  @Field(() => TimelineEntryType) node!: TimelineEntryType;
}

const TIMELINE_PROJECTOR = 'timeline';

@Resolver()
export class TimelineSubscriptionResolver {
  constructor(
    private readonly query: TimelineQuery,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
  ) {}

  @Subscription(() => TimelineUpdate, { resolve: (update: TimelineUpdate) => update, description: "a customer's new timeline entries as they are projected" })
  async customerTimeline(
    @GqlCtx() ctx: RequestContext,
    @Args('customerId', { type: () => ID }) customerId: string,
    @Args('after', { type: () => String, nullable: true, description: 'the cursor of the last entry received; default: from now on' }) after?: string,
  ): Promise<AsyncIterableIterator<TimelineUpdate>> {
    const id = idArg(customerId, 'customerId');
    if (after !== undefined && after !== null && !/^\d{1,15}$/.test(after)) throw invalid('InvalidCursor', 'after must be a cursor this subscription gave out');
    // The customer must exist and the caller may read it (404 / 403 now, not later).
    await this.query.page(ctx, id, { limit: 1, derived: false });
    const start = after ?? String(await this.runner.checkpointOfProjector(TIMELINE_PROJECTOR));
    return this.updates(ctx, id, Number(start));
  }

  private async *updates(ctx: RequestContext, customerId: string, from: number): AsyncIterableIterator<TimelineUpdate> {
    let position = from;
    let wake: (() => void) | undefined;
    let pending = true;
    const stop = this.runner.onBatch((projector) => {
      // One of its partitions (timeline#i/n) or the whole.
      if (projector.split('#')[0] !== TIMELINE_PROJECTOR) return;
      pending = true;
      wake?.();
    });
    try {
      for (;;) {
        if (!pending) await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        pending = false;
        for (;;) {
          const entries = await this.query.entriesAfter(ctx, customerId, position);
          if (entries.length === 0) break;
          for (const { cursor, entry } of entries) {
            position = Number(cursor);
            yield { cursor, node: entry as unknown as TimelineEntryType };
          }
        }
      }
    } finally {
      stop();
    }
  }
}
