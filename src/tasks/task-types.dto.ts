import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { JsonSchema } from './options-schema.js';
import type { TaskTypeView } from './task-types.js';

@ApiSchema({ name: 'TaskType' })
export class TaskTypeDto implements TaskTypeView {
  @ApiProperty({ example: 'csv.import' })
  type: string;

  @ApiProperty({ enum: ['file', 'payload'], description: 'What a task of this type works on.' })
  input: 'file' | 'payload';

  @ApiProperty({
    type: [String],
    description:
      'File input: the media types it takes, empty when it takes any. Payload input: empty.',
    example: ['text/csv', 'text/tab-separated-values'],
  })
  mediaTypes: string[];

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'The JSON Schema (draft-07 keywords) of its options, made from the checks POST /tasks runs: ' +
      'undeclared members are refused, members with a default may be left out. Checks across ' +
      'members (csv.import: delimiter and quote differ, column names unique) are checked by the server alone.',
    example: {
      type: 'object',
      properties: { ms: { type: 'integer', minimum: 0, maximum: 3600000, default: 1000 } },
      additionalProperties: false,
    },
  })
  options: JsonSchema;
}

@ApiSchema({ name: 'TaskTypeList' })
export class TaskTypeListDto {
  @ApiProperty({ type: [TaskTypeDto] })
  types: TaskTypeDto[];
}
