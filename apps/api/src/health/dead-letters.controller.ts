// Dead letters over REST (admins): the streams a projector parked, and the
// retry or skip of one after a fix. The rules are DeadLetters'; this translates.
import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { IsIn, IsString, Length } from 'class-validator';
import { DEAD_LETTERS, DeadLetters } from '@crm/projections';
import type { RequestContext } from '@crm/shared';
import { Ctx } from '@crm/shared/http';

class DeadLetterActionDto {
  @IsIn(['retry', 'skip']) action!: 'retry' | 'skip';
  @IsString() @Length(1, 200) projector!: string;
  @IsString() @Length(1, 500) streamId!: string;
}

@ApiTags('operations')
@Controller('dead-letters')
export class DeadLettersController {
  constructor(@Inject(DEAD_LETTERS) private readonly deadLetters: DeadLetters) {}

  @Get()
  async list(@Ctx() ctx: RequestContext) {
    return { items: await this.deadLetters.list(ctx) };
  }

  /** Applies a parked stream's events in order (retry, after a fix) or without the one that failed (skip), and unparks it. */
  @Post('actions')
  @HttpCode(200)
  act(@Body() body: DeadLetterActionDto, @Ctx() ctx: RequestContext) {
    return this.deadLetters.act(ctx, body.action, body.projector, body.streamId);
  }
}
