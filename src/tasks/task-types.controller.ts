import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyAuth, CachedOkResponse } from '../http/openapi.js';
import { TaskTypeCatalog } from './remote-task-types.js';
import { TaskTypeListDto } from './task-types.dto.js';

@ApiTags('tasks')
@ApiKeyAuth()
@Controller('task-types')
export class TaskTypesController {
  constructor(private readonly catalog: TaskTypeCatalog) {}

  @Get()
  @ApiOperation({
    operationId: 'listTaskTypes',
    summary: 'The task types this service runs, with the JSON Schema of their options',
  })
  @CachedOkResponse({
    type: TaskTypeListDto,
    description: 'Every type, built-in or registered by a remote worker, by name.',
  })
  async list(): Promise<TaskTypeListDto> {
    return { types: await this.catalog.views() };
  }
}
