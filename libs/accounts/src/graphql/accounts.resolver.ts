// Who the credential of a GraphQL operation belongs to.
import { Query, Resolver } from '@nestjs/graphql';
import { RequestContext } from '@crm/shared';
import { GqlCtx, JSONScalar } from '@crm/shared/http';
import { AccountsService } from '../accounts.service';

@Resolver()
export class AccountsResolver {
  constructor(private readonly accounts: AccountsService) {}

  @Query(() => JSONScalar, { description: 'the signed-in account (username, role) or API key (name, operations), and the actor events record' })
  me(@GqlCtx() ctx: RequestContext) {
    return this.accounts.whoAmI(ctx);
  }
}
