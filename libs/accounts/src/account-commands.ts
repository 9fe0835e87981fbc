// The accounts stream's command message and its one handler: the shared
// load-decide-append shape with the accounts decider.
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { eventMetadata, RequestContext, requestEventId } from '@crm/shared';
import { CommandResult, EVENT_STORE, EventStore, handleCommand } from '@crm/event-store';
import { Accounts, ACCOUNTS_STREAM, AccountEvent, decodeAccountEvent, evolve, initialAccounts } from './account';
import { AccountCommand, decide } from './business-logic';

export class ExecuteAccountCommand extends Command<CommandResult> {
  constructor(
    readonly command: AccountCommand,
    readonly context: RequestContext,
    readonly source: 'api' | 'system' = 'api',
  ) {
    super();
  }
}

@CommandHandler(ExecuteAccountCommand)
export class AccountCommandHandler implements ICommandHandler<ExecuteAccountCommand, CommandResult> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute({ command, context, source }: ExecuteAccountCommand): Promise<CommandResult> {
    return handleCommand<Accounts, AccountEvent>(
      this.store,
      ACCOUNTS_STREAM,
      { initialState: initialAccounts, evolve, decode: decodeAccountEvent },
      (state) => decide(command, state),
      { ifMatch: context.ifMatch, metadata: eventMetadata(context, source), eventId: (_, i) => requestEventId(context, ACCOUNTS_STREAM, i) },
    );
  }
}
