import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';

export const ROWS_DEFAULT_LIMIT = 100;
export const ROWS_MAX_LIMIT = 1000;

export class ListRowsQuery {
  @ApiPropertyOptional({
    description: 'The `nextCursor` of the previous page; none for the first.',
  })
  @IsOptional()
  @IsString()
  after?: string;

  @ApiPropertyOptional({
    type: 'integer',
    default: ROWS_DEFAULT_LIMIT,
    minimum: 1,
    maximum: ROWS_MAX_LIMIT,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(ROWS_MAX_LIMIT)
  limit: number = ROWS_DEFAULT_LIMIT;
}

@ApiSchema({ name: 'ImportColumn' })
export class ImportColumnDto {
  @ApiProperty({ description: 'The column name in the table and in each item.' })
  name: string;

  @ApiProperty({ enum: ['int', 'float', 'bool', 'date', 'text'] })
  type: string;

  @ApiProperty()
  nullable: boolean;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'The header field it was read from; null without a header.',
  })
  sourceName?: string | null;
}

@ApiSchema({ name: 'ImportRowsPage' })
export class ImportRowsPageDto {
  @ApiProperty({
    type: [ImportColumnDto],
    description: "The import's columns, as its result lists them.",
  })
  columns: ImportColumnDto[];

  @ApiProperty({
    description:
      'Rows in load order: `_line` (the line of the file the record ends on, as in rejects.csv), ' +
      'then one member per column. int values are JSON numbers, or strings beyond ±2^53 − 1 ' +
      '(what a JSON number carries exactly); dates are `YYYY-MM-DD`; empty values are null.',
    type: 'array',
    items: { type: 'object', additionalProperties: true },
  })
  items: Record<string, unknown>[];

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Pass as `after` for the next page; null on the last one.',
  })
  nextCursor: string | null;
}
