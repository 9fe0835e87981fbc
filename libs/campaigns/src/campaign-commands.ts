// A campaign stream's command message, its one handler, and the view of one
// campaign read straight from its stream (never lagging a write).
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { eventMetadata, knownEventType, nameUuid, RequestContext } from '@crm/shared';
import { CommandResult, EVENT_STORE, EventStore, handleCommand } from '@crm/event-store';
import { CampaignCommand, decide } from './business-logic';
import { Campaign, CampaignDraft, CampaignEvent, CampaignStatus, campaignStream, decodeCampaignEvent, evolve, initialCampaign, LaunchCounts } from './campaign';

export class ExecuteCampaignCommand extends Command<CommandResult> {
  constructor(
    readonly command: CampaignCommand,
    readonly context: RequestContext,
  ) {
    super();
  }
}

const campaignIdOf = (command: CampaignCommand) => (command.type === 'DraftCampaign' ? command.draft.campaignId : command.campaignId);

@CommandHandler(ExecuteCampaignCommand)
export class CampaignCommandHandler implements ICommandHandler<ExecuteCampaignCommand, CommandResult> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute({ command, context }: ExecuteCampaignCommand): Promise<CommandResult> {
    const campaignId = campaignIdOf(command);
    return handleCommand<Campaign, CampaignEvent>(
      this.store,
      campaignStream(campaignId),
      { initialState: initialCampaign, evolve, decode: decodeCampaignEvent },
      (state) => decide(command, state),
      {
        ifMatch: context.ifMatch,
        metadata: eventMetadata(context, 'api'),
        // Each step happens once in a campaign's life: its event id is named by the campaign and the step.
        eventId: (event) => nameUuid(`campaign:${campaignId}:${event.type}`),
        sameAsEarlier: (event) =>
          (command.type === 'DraftCampaign' && event.type === 'CampaignDrafted') ||
          (command.type === 'CancelCampaign' && event.type === 'CampaignCancelled') ||
          (command.type === 'StartLaunch' && event.type === 'CampaignLaunchStarted') ||
          (command.type === 'FinishLaunch' && event.type === 'CampaignLaunched'),
      },
    );
  }
}

export interface CampaignView extends CampaignDraft {
  status: CampaignStatus;
  createdAt: string;
  createdBy: string | null;
  cancelledAt: string | null;
  launchStartedAt: string | null;
  launchedAt: string | null;
  /** The shop date of sendAt: the date the audience is the segment's members on. */
  sendDate: string | null;
  launch: LaunchCounts | null;
  etag: number;
}

/** One campaign as its stream tells it, or undefined. */
export async function loadCampaign(store: EventStore, campaignId: string): Promise<CampaignView | undefined> {
  const events = await store.readStream(campaignStream(campaignId));
  let view: CampaignView | undefined;
  for (const recorded of events) {
    if (!knownEventType(recorded.streamId, recorded.type)) continue;
    const event = decodeCampaignEvent(recorded);
    const at = recorded.recordedAt.toISOString();
    if (event.type === 'CampaignDrafted') {
      const createdBy = typeof recorded.metadata.actor === 'string' ? recorded.metadata.actor : null;
      view = { ...event.data, status: 'draft', createdAt: at, createdBy, cancelledAt: null, launchStartedAt: null, launchedAt: null, sendDate: null, launch: null, etag: 0 };
    } else if (!view) continue;
    else if (event.type === 'CampaignCancelled') view = { ...view, status: 'cancelled', cancelledAt: at };
    else if (event.type === 'CampaignLaunchStarted') view = { ...view, status: 'launching', launchStartedAt: at, sendDate: event.data.sendDate };
    else {
      const { campaignId: _id, ...counts } = event.data;
      view = { ...view, status: 'launched', launchedAt: at, launch: counts };
    }
    view.etag = recorded.streamVersion;
  }
  return view;
}
