import { Public } from '../../src/auth/auth.decorators.js';
import { Body, Controller, Get, Module, Param, Post } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsString, Max, Min, MinLength, ValidateNested } from 'class-validator';

class ProbeLimits {
  @IsInt()
  @Min(1)
  @Max(10)
  retries: number;
}

export class ProbeBody {
  @IsString()
  @MinLength(3)
  name: string;

  @ValidateNested()
  @Type(() => ProbeLimits)
  limits: ProbeLimits;
}

/** Routes that exist only in tests, to exercise validation, errors and route metrics. */
@Public()
@Controller('probe')
class ProbeController {
  @Post()
  create(@Body() body: ProbeBody): ProbeBody {
    return body;
  }

  @Get('items/:id')
  item(@Param('id') id: string): { id: string } {
    return { id };
  }

  @Get('crash')
  crash(): never {
    throw new Error('connection string postgres://admin:s3cret@10.0.0.1/prod exploded');
  }
}

@Module({ controllers: [ProbeController] })
export class ProbeModule {}
