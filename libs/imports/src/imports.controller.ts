// Imports over REST: a CSV upload (text/csv) answered 202 with the import's
// id; its progress and rejected rows at GET /imports/{id}. The rows go
// through the same Importer and command path as `crm import`.
import { Controller, Get, HttpCode, Param, ParseUUIDPipe, PayloadTooLargeException, Post, Query, Req, Res, UnsupportedMediaTypeException } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiConsumes, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { RequestContext } from '@crm/shared';
import { ApiRead, ApiWrite, Ctx, IsCleanText } from '@crm/shared/http';
import { ImportsService, MAX_IMPORT_BYTES } from './imports.service';

class ImportQuery {
  @IsOptional() @IsString() @IsCleanText() @MaxLength(2_000) map?: string;
  @IsOptional() @IsIn(['true', 'false']) allOrNothing?: string;
}

@ApiTags('imports')
@Controller('imports')
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  @Post()
  @HttpCode(202)
  @ApiWrite()
  @ApiConsumes('text/csv')
  @ApiBody({
    description:
      'the history file: customer_ref,kind,order_id,refund_id,occurred_at,amount,currency,channel,region,items[,name,phone,email,birth_date] (occurred_at a date-time with offset or a date in the shop time zone)',
    schema: { type: 'string' },
  })
  @ApiQuery({ name: 'map', required: false, description: 'column=header pairs for files whose headers differ, e.g. customer_ref=CustomerID,occurred_at=InvoiceDate' })
  @ApiQuery({ name: 'allOrNothing', required: false, description: 'true: one bad row and nothing is written' })
  @ApiAcceptedResponse({ description: 'stored and started; Location names the import (GET it for progress and rejected rows)' })
  async start(@Query() query: ImportQuery, @Req() req: Request, @Ctx() ctx: RequestContext, @Res({ passthrough: true }) res: Response) {
    if (!req.is('text/csv') && !req.is('text/plain')) throw new UnsupportedMediaTypeException('send the file as text/csv');
    if (Number(req.header('content-length') ?? 0) > MAX_IMPORT_BYTES) throw new PayloadTooLargeException(`an import file is at most ${MAX_IMPORT_BYTES / 1024 / 1024} MiB`);
    const record = await this.imports.start(ctx, req, { map: query.map, allOrNothing: query.allOrNothing === 'true' });
    res.setHeader('Location', `/api/v1/imports/${record.importId}`);
    return record;
  }

  @Get(':id')
  @ApiRead()
  @ApiOkResponse({ description: 'status (running, done, failed), progress, and the first 1,000 rejected rows by line' })
  get(@Param('id', new ParseUUIDPipe()) id: string, @Ctx() ctx: RequestContext) {
    return this.imports.get(ctx, id);
  }
}
