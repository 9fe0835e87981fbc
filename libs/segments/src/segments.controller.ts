// The segment REST API: validate, call SegmentsService, map the answer.
import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { IsUUID, Matches } from 'class-validator';
import { WaitForProjections } from '@crm/projections';
import { RequestContext } from '@crm/shared';
import { answerWrite, ApiRead, ApiWrite, Ctx, ReadQuery, WriteResultDto } from '@crm/shared/http';

class CustomerParam {
  @IsUUID('all', { message: 'id must be a customer id (a UUID)' }) id!: string;
}
import { CustomerSegmentsQuery, HistoryQuery, ListSegmentsQuery, MembersQuery, PreviewSegmentDto, SegmentBodyDto, SizesQuery } from './segments.dto';
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
  async list(@Query() query: ListSegmentsQuery, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
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

  @Get(':id/members')
  @ApiRead()
  @ApiOkResponse({ description: 'members on a date (default today) with since when, by customer id; `evaluated`: a definition ranking the base (RFM), judged on the date' })
  async members(@Param() params: SegmentParam, @Query() query: MembersQuery, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    await this.projections.waitFor(query.waitFor, res);
    return this.segments.members(ctx, params.id, query);
  }

  @Get(':id/history')
  @ApiRead()
  @ApiOkResponse({ description: 'entries and exits between two dates, each with its cause (an event, time alone, a version) and version' })
  async history(@Param() params: SegmentParam, @Query() query: HistoryQuery, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    await this.projections.waitFor(query.waitFor, res);
    return this.segments.history(ctx, params.id, query);
  }

  @Get(':id/sizes')
  @ApiRead()
  @ApiOkResponse({ description: 'the number of members on each day, week or month of a span' })
  async sizes(@Param() params: SegmentParam, @Query() query: SizesQuery, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    await this.projections.waitFor(query.waitFor, res);
    return this.segments.sizes(ctx, params.id, query);
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

@ApiTags('segments')
@Controller('customers')
export class CustomerSegmentsController {
  constructor(
    private readonly segments: SegmentsService,
    private readonly projections: WaitForProjections,
  ) {}

  @Get(':id/segments')
  @ApiRead()
  @ApiOkResponse({ description: "the customer's segments on a date (default today), with since when" })
  async ofCustomer(@Param() params: CustomerParam, @Query() query: CustomerSegmentsQuery, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    await this.projections.waitFor(query.waitFor, res);
    return this.segments.ofCustomer(ctx, params.id, query.asOf);
  }
}
