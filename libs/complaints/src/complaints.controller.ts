// The complaint REST API: validate, call the application service, map the answer.
import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { RequestContext } from '@crm/shared';
import { answerWrite, ApiRead, ApiWrite, Ctx, ReadQuery, WriteResultDto } from '@crm/shared/http';
import { WaitForProjections } from '@crm/projections';
import { ComplaintsService } from './complaints.service';
import { AssignComplaintDto, EscalateComplaintDto, OpenComplaintDto, RateComplaintDto, ReopenComplaintDto, RespondComplaintDto, ResolveComplaintDto } from './complaints.dto';

const idPipe = new ParseUUIDPipe();

@ApiTags('complaints')
@Controller('complaints')
export class ComplaintsController {
  constructor(
    private readonly complaints: ComplaintsService,
    private readonly projections: WaitForProjections,
  ) {}

  @Post()
  @ApiWrite()
  @ApiCreatedResponse({ type: WriteResultDto })
  async open(@Body() body: OpenComplaintDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    const { complaintId, result } = await this.complaints.open(body, ctx);
    if (!result.unchanged) res.status(201).setHeader('Location', `/api/v1/complaints/${complaintId}`);
    return answerWrite(res, result, { complaintId });
  }

  @Get(':id')
  @ApiRead()
  async get(@Param('id', idPipe) id: string, @Query() query: ReadQuery, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    await this.projections.waitFor(query.waitFor, res);
    const view = await this.complaints.get(ctx, id);
    res.setHeader('ETag', `"${view.version}"`);
    return view;
  }

  @Post(':id/assign')
  @HttpCode(200)
  @ApiWrite({ ifMatch: true })
  @ApiOkResponse({ type: WriteResultDto })
  async assign(@Param('id', idPipe) id: string, @Body() body: AssignComplaintDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    return answerWrite(res, await this.complaints.assign(id, body.agent, ctx), { complaintId: id });
  }

  @Post(':id/escalate')
  @HttpCode(200)
  @ApiWrite({ ifMatch: true })
  @ApiOkResponse({ type: WriteResultDto })
  async escalate(@Param('id', idPipe) id: string, @Body() body: EscalateComplaintDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    return answerWrite(res, await this.complaints.escalate(id, body.priority, ctx), { complaintId: id });
  }

  @Post(':id/respond')
  @HttpCode(200)
  @ApiWrite({ ifMatch: true })
  @ApiOkResponse({ type: WriteResultDto })
  async respond(@Param('id', idPipe) id: string, @Body() body: RespondComplaintDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    return answerWrite(res, await this.complaints.respond(id, body.message, ctx), { complaintId: id });
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @ApiWrite({ ifMatch: true })
  @ApiOkResponse({ type: WriteResultDto })
  async resolve(@Param('id', idPipe) id: string, @Body() body: ResolveComplaintDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    return answerWrite(res, await this.complaints.resolve(id, body, ctx), { complaintId: id });
  }

  @Post(':id/reopen')
  @HttpCode(200)
  @ApiWrite({ ifMatch: true })
  @ApiOkResponse({ type: WriteResultDto })
  async reopen(@Param('id', idPipe) id: string, @Body() body: ReopenComplaintDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    return answerWrite(res, await this.complaints.reopen(id, body.reason, ctx), { complaintId: id });
  }

  @Post(':id/rate')
  @HttpCode(200)
  @ApiWrite({ ifMatch: true })
  @ApiOkResponse({ type: WriteResultDto, description: "the customer's satisfaction (1-5) with the handling of a resolved complaint" })
  async rate(@Param('id', idPipe) id: string, @Body() body: RateComplaintDto, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    return answerWrite(res, await this.complaints.rate(id, body.satisfaction, body.comment, ctx), { complaintId: id });
  }
}
