import { Module } from '@nestjs/common';
import path from 'node:path';
import { AppConfig } from '../config/app-config.js';
import { TenantLimitsModule } from '../tenants/tenant-limits.module.js';
import { BlobStorage } from './blob-storage.js';
import { FilesController } from './files.controller.js';
import { FilesRepository } from './files.repository.js';
import { FilesService } from './files.service.js';
import { LocalBlobStorage } from './local-blob-storage.js';
import { S3BlobStorage } from './s3-blob-storage.js';

/** Blob storage and file rows, for the files API and for tasks (inputs and artifacts). */
@Module({
  imports: [TenantLimitsModule],
  providers: [
    FilesRepository,
    FilesService,
    {
      provide: BlobStorage,
      inject: [AppConfig],
      useFactory: ({ dataDir, storage }: AppConfig) =>
        storage.kind === 's3'
          ? S3BlobStorage.connect(storage.s3)
          : new LocalBlobStorage(path.join(dataDir, 'blobs')),
    },
  ],
  exports: [FilesService, BlobStorage],
})
export class FilesModule {}

/** The files API, for API roles. */
@Module({ imports: [FilesModule], controllers: [FilesController] })
export class FilesApiModule {}
