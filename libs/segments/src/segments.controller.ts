// The segment REST API: validate, call SegmentsService, map the answer.
import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Matches } from 'class-validator';
import { WaitForProjections } from '@crm/projections';
import { RequestContext } from '@crm/shared';
import { answerWrite, ApiRead, ApiWrite, Ctx, ReadQuery, WriteResultDto } from '@crm/shared/http';
import { PreviewSegmentDto, SegmentBodyDto } from './segments.dto';
import { SEGMENT_ID, SegmentInput, SegmentsService } from './segments.service';

class SegmentParam {
  @Matches(SEGMENT_ID, { message: 'id must be a segment id' }) id!: string;
}

@ApiTags('segments')
@Controller('segments')
export class SegmentsController {
  constructor(
    private readonly segments: SegmentsService,
    private readonly projections: WaitForProjections,
  ) {}

  @Post()
  @ApiWrite()
  @ApiCreatedResponse({ type: WriteResultDto, description: 'version 1 published (200 and unchanged: the same definition was published already)' })
  async create(@Body() body: SegmentBodyDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const { segmentId, result } = await this.segments.create(body as SegmentInput, ctx);
    res.status(result.unchanged ? 200 : 201).setHeader('Location', `/api/v1/segments/${segmentId}`);
    return answerWrite(res, result, { segmentId });
  }

  @Post('preview')
  @HttpCode(200)
  @ApiWrite()
  @ApiOkResponse({ description: 'count and members of a definition on a date, and who would enter and leave against a published segment; nothing is written' })
  async preview(@Body() body: PreviewSegmentDto, @Query() query: ReadQuery, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    await this.projections.waitFor(query.waitFor, res);
    return this.segments.preview(ctx, { ...body, definition: body.definition as SegmentInput });
  }

  @Get()
  @ApiRead()
  @ApiOkResponse({ description: 'the segments with their last version (retired ones with includeRetired=true)' })
  async list(@Query() query: ReadQuery & { includeRetired?: string }, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    await this.projections.waitFor(query.waitFor, res);
    return { items: await this.segments.list(ctx, { includeRetired: query.includeRetired === 'true' }) };
  }

  @Get(':id')
  @ApiRead()
  @ApiOkResponse({ description: 'one segment with every version; the ETag is what PUT takes as If-Match' })
  async get(@Param() params: SegmentParam, @Query() _query: ReadQuery, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const { etag, ...view } = await this.segments.get(ctx, params.id);
    res.setHeader('ETag', `"${etag}"`);
    return view;
  }

  @Put(':id')
  @ApiWrite({ ifMatch: true })
  @ApiOkResponse({ type: WriteResultDto, description: 'the next version published (unchanged: the same as the last)' })
  async revise(@Param() params: SegmentParam, @Body() body: SegmentBodyDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const result = await this.segments.revise(params.id, body as SegmentInput, ctx);
    return answerWrite(res, result, { segmentId: params.id });
  }

  @Post(':id/retire')
  @HttpCode(200)
  @ApiWrite({ ifMatch: true })
  @ApiOkResponse({ type: WriteResultDto, description: 'retired: it takes no new version; its history stays' })
  async retire(@Param() params: SegmentParam, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const result = await this.segments.retire(params.id, ctx);
    return answerWrite(res, result, { segmentId: params.id });
  }
}
