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
