// The REST faces of sign-in, accounts and API keys: validate, call
// AccountsService, map the answer.
import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { RequestContext } from '@crm/shared';
import { answerWrite, ApiRead, ApiWrite, Ctx, ReadQuery, WriteResultDto } from '@crm/shared/http';
import { AccountsService } from './accounts.service';
import { ChangeRoleDto, CreateAccountDto, DisableAccountDto, IssueApiKeyDto, SetPasswordDto, TokenRequestDto } from './accounts.dto';
import { Public } from './authentication.guard';

const idPipe = new ParseUUIDPipe();

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly accounts: AccountsService) {}

  @Post('token')
  @Public()
  @HttpCode(200)
  @ApiOkResponse({ description: '{ accessToken, expiresAt, tokenType }: send it as Authorization: Bearer <accessToken>' })
  token(@Body() body: TokenRequestDto) {
    return this.accounts.login(body.username, body.password);
  }

  @Get('me')
  @ApiRead()
  @ApiOkResponse({ description: 'who the credential belongs to, and the actor name events record' })
  me(@Ctx() ctx: RequestContext) {
    return this.accounts.whoAmI(ctx);
  }
}

@ApiTags('accounts')
@Controller('accounts')
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Post()
  @ApiWrite()
  @ApiCreatedResponse({ type: WriteResultDto, description: 'created (admin)' })
  async create(@Body() body: CreateAccountDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const { ids, result } = await this.accounts.create(body, ctx);
    res.status(201).setHeader('Location', `/api/v1/accounts/${ids.accountId}`);
    return answerWrite(res, result, ids);
  }

  @Get()
  @ApiRead()
  async list(@Query() _query: ReadQuery, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const { version, items } = await this.accounts.list(ctx);
    res.setHeader('ETag', `"${version}"`);
    return { items };
  }

  @Get(':id/history')
  @ApiRead()
  @ApiOkResponse({ description: 'the account and every change of it: created, roles granted, disabled, enabled, password changed; who and when' })
  history(@Param('id', idPipe) id: string, @Query() _query: ReadQuery, @Ctx() ctx: RequestContext) {
    return this.accounts.history(id, ctx);
  }

  @Put(':id/role')
  @HttpCode(200)
  @ApiWrite()
  @ApiOkResponse({ type: WriteResultDto })
  async role(@Param('id', idPipe) id: string, @Body() body: ChangeRoleDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const { ids, result } = await this.accounts.changeRole(id, body.role, ctx);
    return answerWrite(res, result, ids);
  }

  @Post(':id/disable')
  @HttpCode(200)
  @ApiWrite()
  @ApiOkResponse({ type: WriteResultDto, description: 'the account can no longer sign in, and its tokens stop working' })
  async disable(@Param('id', idPipe) id: string, @Body() body: DisableAccountDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const { ids, result } = await this.accounts.disable(id, body.reason, ctx);
    return answerWrite(res, result, ids);
  }

  @Post(':id/enable')
  @HttpCode(200)
  @ApiWrite()
  @ApiOkResponse({ type: WriteResultDto })
  async enable(@Param('id', idPipe) id: string, @Body() _body: DisableAccountDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const { ids, result } = await this.accounts.enable(id, ctx);
    return answerWrite(res, result, ids);
  }

  @Put(':id/password')
  @HttpCode(200)
  @ApiWrite()
  @ApiOkResponse({ type: WriteResultDto, description: "a new password; the account's earlier tokens stop working" })
  async password(@Param('id', idPipe) id: string, @Body() body: SetPasswordDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const { ids, result } = await this.accounts.setPassword(id, body.password, ctx);
    return answerWrite(res, result, ids);
  }
}

@ApiTags('api keys')
@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly accounts: AccountsService) {}

  @Post()
  @ApiWrite()
  @ApiCreatedResponse({ type: WriteResultDto, description: 'the key is in the answer once and never again (only its hash is stored)' })
  async issue(@Body() body: IssueApiKeyDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const { ids, result } = await this.accounts.issueApiKey(body, ctx);
    res.status(201);
    return answerWrite(res, result, ids);
  }

  @Get()
  @ApiRead()
  list(@Query() _query: ReadQuery, @Ctx() ctx: RequestContext) {
    return this.accounts.listApiKeys(ctx);
  }

  @Delete(':id')
  @ApiWrite()
  @ApiOkResponse({ type: WriteResultDto, description: 'revoked: the key stops working at once' })
  async revoke(@Param('id', idPipe) id: string, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const { ids, result } = await this.accounts.revokeApiKey(id, ctx);
    return answerWrite(res, result, ids);
  }
}
