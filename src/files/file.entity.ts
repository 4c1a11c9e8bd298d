import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
  Unique,
} from 'typeorm';
import type { TaskEntity } from '../tasks/task.entity.js';

/**
 * A stored file: an upload, or an artifact of a task (`taskId` and `artifactName` set). The blob
 * itself is in BlobStorage under `sha256`. Table: migrations/0002_tasks.sql.
 */
@Entity('files')
@Unique('files_task_id_artifact_name_key', ['taskId', 'artifactName'])
@Index('files_sha256_idx', ['sha256'])
// `(tenant) INCLUDE (size)`, for the stored-bytes sum: TypeORM has no INCLUDE, so it leaves it be.
@Index('files_tenant_size_idx', { synchronize: false })
@Index('files_uploads_created_idx', ['createdAt'], { where: 'task_id IS NULL' })
export class FileEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  tenant: string;

  @Column('text')
  sha256: string;

  /** bigint: pg hands it over as a string. */
  @Column('bigint')
  size: string;

  @Column('text', { name: 'media_type' })
  mediaType: string;

  @Column('text', { nullable: true })
  name: string | null;

  @Column('uuid', { name: 'task_id', nullable: true })
  taskId: string | null;

  // Named, not imported: tasks refer to files too.
  @ManyToOne('TaskEntity', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'task_id', foreignKeyConstraintName: 'files_task_id_fkey' })
  task?: Relation<TaskEntity>;

  @Column('text', { name: 'artifact_name', nullable: true })
  artifactName: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
