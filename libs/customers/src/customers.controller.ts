// The customer REST writes: validate, call the commands service, map the answer.
import { Body, Controller, Delete, HttpCode, Param, ParseUUIDPipe, Patch, Post, Put, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { RequestContext } from '@crm/shared';
import { answerWrite, ApiWrite, Ctx, keyPipe, WriteResultDto } from '@crm/shared/http';
import { CustomerCommandsService } from './customer-commands.service';
import { ConsentDto, LogContactDto, RecordPurchaseDto, RecordRefundDto, RegisterCustomerDto, TagDto, UpdateProfileDto } from './customers.dto';

const idPipe = new ParseUUIDPipe({ version: undefined });

@ApiTags('customers')
@Controller('customers')
export class CustomersController {
  constructor(private readonly commands: CustomerCommandsService) {}

  @Post()
  @ApiWrite()
  @ApiCreatedResponse({ type: WriteResultDto, description: 'registered; Location names the customer' })
  async register(@Body() body: RegisterCustomerDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const { ids, result } = await this.commands.register(body, ctx);
    res.status(result.unchanged ? 200 : 201).setHeader('Location', `/api/v1/customers/${ids.customerId}`);
    return answerWrite(res, result, ids);
  }
  @Patch(':id')
  @ApiWrite({ ifMatch: true })
  @ApiOkResponse({ type: WriteResultDto })
  async update(@Param('id', idPipe) id: string, @Body() body: UpdateProfileDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const { ids, result } = await this.commands.updateProfile(id, body, ctx);
    return answerWrite(res, result, ids);
  }
  @Post(':id/purchases')
  @ApiWrite({ ifMatch: true })
  @ApiCreatedResponse({
    type: WriteResultDto,
    description: 'recorded (200 with unchanged=true when the same order was recorded before; 409 when it was recorded with another amount)',
  })
  async purchase(@Param('id', idPipe) id: string, @Body() body: RecordPurchaseDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const { ids, result } = await this.commands.recordPurchase(id, body, ctx);
    res.status(result.unchanged ? 200 : 201);
    return answerWrite(res, result, ids);
  }
  @Post(':id/refunds')
  @ApiWrite({ ifMatch: true })
  @ApiCreatedResponse({ type: WriteResultDto })
  async refund(@Param('id', idPipe) id: string, @Body() body: RecordRefundDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const { ids, result } = await this.commands.recordRefund(id, body, ctx);
    res.status(result.unchanged ? 200 : 201);
    return answerWrite(res, result, ids);
  }
  @Post(':id/tags')
  @ApiWrite({ ifMatch: true })
  @ApiCreatedResponse({ type: WriteResultDto })
  async tag(@Param('id', idPipe) id: string, @Body() body: TagDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const { ids, result } = await this.commands.tag(id, body.tag, ctx);
    res.status(result.unchanged ? 200 : 201);
    return answerWrite(res, result, ids);
  }
  @Delete(':id/tags/:tag')
  @ApiWrite({ ifMatch: true })
  @ApiOkResponse({ type: WriteResultDto })
  async untag(@Param('id', idPipe) id: string, @Param('tag', keyPipe('tag')) tag: string, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const { ids, result } = await this.commands.untag(id, tag, ctx);
    return answerWrite(res, result, ids);
  }
  @Put(':id/consent')
  @HttpCode(200)
  @ApiWrite({ ifMatch: true })
  @ApiOkResponse({ type: WriteResultDto })
  async consent(@Param('id', idPipe) id: string, @Body() body: ConsentDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const { ids, result } = await this.commands.changeConsent(id, body, ctx);
    return answerWrite(res, result, ids);
  }
  @Post(':id/erasure')
  @HttpCode(200)
  @ApiWrite()
  @ApiOkResponse({ type: WriteResultDto, description: "erases the customer's personal data (admin): the data key is destroyed, read models drop the fields; the history stays" })
  async erase(@Param('id', idPipe) id: string, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const { ids, result } = await this.commands.erase(id, ctx);
    return answerWrite(res, result, ids);
  }
  @Post(':id/contacts')
  @ApiWrite({ ifMatch: true })
  @ApiCreatedResponse({ type: WriteResultDto })
  async contact(@Param('id', idPipe) id: string, @Body() body: LogContactDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const { ids, result } = await this.commands.logContact(id, body, ctx);
    res.status(201);
    return answerWrite(res, result, ids);
  }
}
