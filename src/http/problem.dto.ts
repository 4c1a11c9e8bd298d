import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import type { FieldError } from './validation.js';

/**
 * The OpenAPI schema of an error body (RFC 9457): what ProblemDetailsFilter sends, with the
 * extension members some problems carry. Documentation only; `Problem` is the type in code.
 */
@ApiSchema({ name: 'Problem' })
export class ProblemDto {
  @ApiProperty({
    description: 'A stable URI naming the kind of problem (docs/problems.md lists them).',
    example: 'urn:taskyard:problem:not-found',
  })
  type: string;

  @ApiProperty({ example: 'Not Found' })
  title: string;

  @ApiProperty({ type: 'integer', example: 404 })
  status: number;

  @ApiProperty({ example: 'There is no task with id 0b6f3c52-8a5e-4c8e-9d27-4f1f6a0e2a11.' })
  detail: string;

  @ApiProperty({ description: 'The path of the request.', example: '/api/v1/tasks/0b6f…' })
  instance: string;

  @ApiProperty({ description: 'The request id, as in the X-Request-Id response header.' })
  requestId: string;

  @ApiPropertyOptional({
    type: 'integer',
    description: '429 after failed authentications: seconds to wait (also in Retry-After).',
  })
  retryAfter?: number;

  @ApiPropertyOptional({ type: 'integer', description: '413: the upload limit in bytes.' })
  maxBytes?: number;

  @ApiPropertyOptional({
    type: 'integer',
    description: "The tenant's limit: queued tasks (429) or stored bytes (413).",
  })
  limit?: number;

  @ApiPropertyOptional({ type: 'integer', description: '413: bytes the tenant stores now.' })
  used?: number;

  @ApiPropertyOptional({ type: 'integer', description: '413: bytes of the refused file.' })
  size?: number;

  @ApiPropertyOptional({ description: '415: the media type that was refused.' })
  mediaType?: string;

  @ApiPropertyOptional({ type: [String], description: '415: the media types accepted.' })
  accepted?: string[];

  @ApiPropertyOptional({ enum: ['file', 'fileId'], description: '415: where the file came from.' })
  field?: string;
}

@ApiSchema({ name: 'FieldError' })
export class FieldErrorDto implements FieldError {
  @ApiProperty({
    description: 'Dotted path of the field in the body, query, form or headers.',
    example: 'options.delimiter',
  })
  field: string;

  @ApiProperty({ type: [String], example: ['delimiter must be one character'] })
  messages: string[];
}

/** 422: a problem whose `errors` name each invalid field. */
@ApiSchema({ name: 'ValidationProblem' })
export class ValidationProblemDto extends ProblemDto {
  @ApiProperty({ type: [FieldErrorDto] })
  errors: FieldErrorDto[];
}
