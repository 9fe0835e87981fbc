// The complaint stream's command message and its one handler.
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { APP_CONFIG, AppConfig, eventMetadata, RequestContext, requestEventId } from '@crm/shared';
import { CommandResult, EVENT_STORE, EventStore, handleCommand } from '@crm/event-store';
import { Complaint, ComplaintEvent, decodeComplaintEvent, evolve, initialComplaint } from './complaint';
import { ComplaintCommand, decide } from './business-logic';
import { SlaPolicy } from './sla-policy';

export const complaintStream = (complaintId: string) => `complaint-${complaintId}`;

export class ExecuteComplaintCommand extends Command<CommandResult> {
  constructor(
    readonly complaintId: string,
    readonly command: ComplaintCommand,
    readonly context: RequestContext,
  ) {
    super();
  }
}

@CommandHandler(ExecuteComplaintCommand)
export class ComplaintCommandHandler implements ICommandHandler<ExecuteComplaintCommand, CommandResult> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  execute({ complaintId, command, context }: ExecuteComplaintCommand): Promise<CommandResult> {
    const streamId = complaintStream(complaintId);
    const policy = this.config.slaHours as SlaPolicy;
    return handleCommand<Complaint, ComplaintEvent>(
      this.store,
      streamId,
      { initialState: initialComplaint, evolve, decode: decodeComplaintEvent },
      (state) => decide(command, state, policy, this.config.slaTierFactors, { shopCurrency: this.config.shopCurrency }),
      {
        ifMatch: context.ifMatch,
        metadata: eventMetadata(context, 'api'),
        eventId: (_, i) => requestEventId(context, streamId, i),
      },
    );
  }
}
