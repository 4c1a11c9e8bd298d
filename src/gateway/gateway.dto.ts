import {
  Equals,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateIf,
} from 'class-validator';
import type { Problem } from '../http/problem.js';
import { decodePosition } from './stream-position.js';

/** The highest seq a task's log can hold (`task_events.seq` is an integer). */
const MAX_SEQ = 2 ** 31 - 1;

/**
 * `{taskId, afterSeq?}` follows one task; `{all: true, after?}` every task of the caller's tenant,
 * from now or from a position the stream gave (each of its events carries one). `unsubscribe`
 * takes `{taskId}` or `{all: true}`.
 */
export class SubscribeDto {
  @ValidateIf((dto: SubscribeDto) => dto.all === undefined)
  @IsUUID()
  taskId?: string;

  @ValidateIf((dto: SubscribeDto) => dto.taskId === undefined)
  @Equals(true, { message: 'all must be true (or give taskId)' })
  all?: true;

  /** Events after this seq are sent first, from the log (one task only). */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_SEQ)
  @OfForm('task')
  afterSeq?: number;

  /** The `position` of the last tenant-stream event taken (with `all` only). */
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  @OfForm('all')
  @IsPosition()
  after?: string;
}

/** What a message is answered: `{ok: false, error}` with a problem when it is refused. */
export type Ack = { ok: true; position?: string } | { ok: false; error: Problem };

/** A field of one form of the payload: a payload with `all` is the tenant stream's form. */
function OfForm(form: 'task' | 'all'): PropertyDecorator {
  return ValidateBy({
    name: 'ofForm',
    validator: {
      validate: (_value: unknown, args) => {
        const dto: Partial<SubscribeDto> | undefined = args?.object;
        return (dto?.all !== undefined) === (form === 'all');
      },
      defaultMessage: (args) =>
        `${args?.property ?? 'it'} goes with ${form === 'all' ? 'all: true' : 'taskId, not all'}`,
    },
  });
}

function IsPosition(): PropertyDecorator {
  return ValidateBy({
    name: 'isPosition',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && !!decodePosition(value),
      defaultMessage: () => 'not a position this feed gave',
    },
  });
}
