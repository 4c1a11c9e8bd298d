import { Module } from '@nestjs/common';
import path from 'node:path';
import { AppConfig } from '../config/app-config.js';
import { TenantLimitsModule } from '../tenants/tenant-limits.module.js';
import { BlobStorage } from './blob-storage.js';
import { FilesController } from './files.controller.js';
import { FilesRepository } from './files.repository.js';
import { FilesService } from './files.service.js';
import { LocalBlobStorage } from './local-blob-storage.js';

/** Blob storage and file rows, for the files API and for tasks (inputs and artifacts). */
@Module({
  imports: [TenantLimitsModule],
  providers: [
    FilesRepository,
    FilesService,
    {
      provide: BlobStorage,
      inject: [AppConfig],
      // The S3 client is loaded only when used: it adds about 23 MB to every process.
      useFactory: async ({ dataDir, storage }: AppConfig): Promise<BlobStorage> =>
        storage.kind === 's3'
          ? (await import('./s3-blob-storage.js')).S3BlobStorage.connect(storage.s3)
          : new LocalBlobStorage(path.join(dataDir, 'blobs')),
    },
  ],
  exports: [FilesService, BlobStorage],
})
export class FilesModule {}

/** The files API, for API roles. */
@Module({ imports: [FilesModule], controllers: [FilesController] })
export class FilesApiModule {}
