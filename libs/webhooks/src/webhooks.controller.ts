// The webhook REST API: validate, call the application service, map the answer.
import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { RequestContext } from '@crm/shared';
import { ApiRead, ApiWrite, Ctx } from '@crm/shared/http';
import { DeliveriesQuery, RegisterWebhookDto } from './webhooks.dto';
import { WebhooksService } from './webhooks.service';

const idPipe = new ParseUUIDPipe();

@ApiTags('webhooks')
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @ApiWrite()
  async register(@Body() body: RegisterWebhookDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const webhook = await this.webhooks.register(ctx, body);
    res.status(201).setHeader('Location', `/api/v1/webhooks/${webhook.id}`);
    return webhook;
  }

  @Get()
  @ApiRead()
  async list(@Ctx() ctx: RequestContext) {
    return { items: await this.webhooks.list(ctx) };
  }

  @Get(':id')
  @ApiRead()
  get(@Param('id', idPipe) id: string, @Ctx() ctx: RequestContext) {
    return this.webhooks.get(ctx, id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiWrite()
  async remove(@Param('id', idPipe) id: string, @Ctx() ctx: RequestContext): Promise<void> {
    await this.webhooks.remove(ctx, id);
  }

  @Get(':id/deliveries')
  @ApiRead()
  deliveries(@Param('id', idPipe) id: string, @Query() query: DeliveriesQuery, @Ctx() ctx: RequestContext) {
    return this.webhooks.deliveries(ctx, id, { status: query.status, limit: query.limit === undefined ? undefined : Number(query.limit), cursor: query.cursor });
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  @ApiWrite()
  @ApiOkResponse({ description: 'the delivery, pending again' })
  redeliver(@Param('id', idPipe) id: string, @Param('deliveryId') deliveryId: string, @Ctx() ctx: RequestContext) {
    return this.webhooks.redeliver(ctx, id, deliveryId);
  }
}
