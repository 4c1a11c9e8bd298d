import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyAuth, CachedOkResponse } from '../http/openapi.js';
import { ProcessorRegistry } from './processor-registry.js';
import { taskTypes } from './task-types.js';
import { TaskTypeListDto } from './task-types.dto.js';

@ApiTags('tasks')
@ApiKeyAuth()
@Controller('task-types')
export class TaskTypesController {
  constructor(private readonly registry: ProcessorRegistry) {}

  @Get()
  @ApiOperation({
    operationId: 'listTaskTypes',
    summary: 'The task types this service runs, with the JSON Schema of their options',
  })
  @CachedOkResponse({ type: TaskTypeListDto, description: 'Every registered type, by name.' })
  list(): TaskTypeListDto {
    return { types: taskTypes(this.registry) };
  }
}
