// Response shapes shared by every slice's OpenAPI description.
import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';

export class ProblemDto {
  @ApiProperty({ example: 'urn:problem:crm:marketing-cap-reached' }) type!: string;
  @ApiProperty({ example: 'Unprocessable Content' }) title!: string;
  @ApiProperty({ example: 422 }) status!: number;
  @ApiProperty({ example: 'MarketingCapReached' }) code!: string;
  @ApiPropertyOptional({ example: 'the customer already received 3 marketing contacts in 2024-06; the cap is 3 per month' }) detail?: string;
  @ApiPropertyOptional({ type: [String], description: 'validation messages (400)' }) errors?: string[];
}

export class WriteResultDto {
  @ApiProperty({ description: 'the stream version after the write; also the ETag' }) version!: number;
  @ApiProperty({ description: 'global position of the write: pass as ?waitFor= on reads' }) position!: number;
  @ApiProperty({ type: [String] }) eventIds!: string[];
  @ApiProperty({ description: 'true when nothing new was recorded (a repeat, or no change)' }) unchanged!: boolean;
}

const problem = (status: number, description: string) =>
  ApiResponse({ status, description, type: ProblemDto, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDto' } } } });

/** The headers and error answers every write shares. */
export function ApiWrite(options: { ifMatch?: boolean } = {}) {
  return applyDecorators(
    ApiHeader({ name: 'Idempotency-Key', required: false, description: 'same key and body: the first answer is replayed; same key, other body: 422' }),
    ApiHeader({ name: 'X-Correlation-Id', required: false, description: 'echoed; generated when absent' }),
    ...(options.ifMatch ? [ApiHeader({ name: 'If-Match', required: false, description: 'the version you read ("3"); a newer stream answers 412' })] : []),
    ApiBearerAuth(),
    problem(400, 'invalid input'),
    problem(401, 'no valid credentials'),
    problem(403, 'the account or key may not do this'),
    problem(404, 'unknown resource'),
    problem(409, 'conflict'),
    problem(412, 'stale If-Match'),
    problem(413, 'body too large'),
    problem(422, 'refused by a business rule, or an idempotency key reused with another body'),
    problem(429, 'too many requests (Retry-After says when to retry)'),
  );
}

export function ApiRead() {
  return applyDecorators(
    ApiBearerAuth(),
    problem(400, 'invalid input'),
    problem(401, 'no valid credentials'),
    problem(403, 'the account or key may not do this'),
    problem(404, 'unknown resource'),
    problem(429, 'too many requests'),
  );
}
