import type { FileRow } from './files.repository.js';

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

export function toFileView(row: FileRow): FileView {
  return {
    id: row.id,
    name: row.name,
    mediaType: row.media_type,
    size: Number(row.size),
    sha256: row.sha256,
    createdAt: row.created_at,
    ...(row.task_id ? { taskId: row.task_id, artifactName: row.artifact_name ?? undefined } : {}),
  };
}
