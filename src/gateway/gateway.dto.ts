import {
  Equals,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';

/**
 * `{taskId, afterSeq?}` follows one task; `{all: true, after?}` every task of the caller's tenant,
 * from now or from a position the stream gave (each of its events carries one).
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
  afterSeq?: number;

  /** The `position` of the last tenant-stream event taken (with `all` only). */
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  after?: string;
}
