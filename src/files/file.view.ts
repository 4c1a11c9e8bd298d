import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { ApiTimestamp } from '../http/openapi.js';
import type { FileEntity } from './file.entity.js';

/** A file as the API shows it. */
export interface FileView {
  id: string;
  name: string | null;
  mediaType: string;
  size: number;
  sha256: string;
  createdAt: Date;
  /** Set for a task's output. */
  taskId?: string;
  artifactName?: string;
}

export function toFileView(row: FileEntity): FileView {
  return {
    id: row.id,
    name: row.name,
    mediaType: row.mediaType,
    size: Number(row.size),
    sha256: row.sha256,
    createdAt: row.createdAt,
    ...(row.taskId ? { taskId: row.taskId, artifactName: row.artifactName ?? undefined } : {}),
  };
}

@ApiSchema({ name: 'File' })
export class FileViewDto implements FileView {
  @ApiProperty({ format: 'uuid', example: '5d0c1a8e-3f7b-4d2a-9e61-0c2b7f1d9a34' })
  id: string;

  @ApiProperty({ type: String, nullable: true, description: 'The name it was uploaded with.' })
  name: string | null;

  @ApiProperty({ example: 'text/csv' })
  mediaType: string;

  @ApiProperty({ type: 'integer', description: 'Bytes.' })
  size: number;

  @ApiProperty({ description: 'Hex sha256 of the content.', pattern: '^[0-9a-f]{64}$' })
  sha256: string;

  @ApiTimestamp()
  createdAt: Date;

  @ApiPropertyOptional({ format: 'uuid', description: "A task's output: the task." })
  taskId?: string;

  @ApiPropertyOptional({ description: "A task's output: its artifact name." })
  artifactName?: string;
}
