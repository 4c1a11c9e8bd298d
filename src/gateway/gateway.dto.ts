import { Equals, IsInt, IsOptional, IsUUID, Min, ValidateIf } from 'class-validator';

/** `{taskId, afterSeq?}` follows one task; `{all: true}` every task of the caller's tenant. */
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
}
