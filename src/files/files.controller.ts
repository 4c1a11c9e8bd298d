import { Controller, Delete, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Caller } from '../auth/api-key.js';
import { CurrentCaller } from '../auth/auth.decorators.js';
import { AppConfig } from '../config/app-config.js';
import { sendFile } from '../http/download.js';
import { isMultipart, readUpload } from '../http/multipart.js';
import { IdParam } from '../http/params.js';
import { ProblemException } from '../http/problem.js';
import { BlobStorage } from './blob-storage.js';
import { type FileView, toFileView } from './file.view.js';
import { FilesService } from './files.service.js';

const FILE_ID = new IdParam('file');

@ApiTags('files')
@ApiBearerAuth()
@Controller('files')
export class FilesController {
  constructor(
    private readonly files: FilesService,
    private readonly storage: BlobStorage,
    private readonly config: AppConfig,
  ) {}

  /** multipart/form-data with one part named `file`. */
  @Post()
  @ApiConsumes('multipart/form-data')
  async upload(
    @CurrentCaller() caller: Caller,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<FileView> {
    const { file } = await this.readForm(request);
    if (!file) {
      throw new ProblemException({
        status: 422,
        detail: 'The form has no part named "file".',
        extensions: { errors: [{ field: 'file', messages: ['file is required'] }] },
      });
    }
    const stored = await this.files.create(caller, file);
    response.setHeader('Location', `/api/v1/files/${stored.id}`);
    return toFileView(stored);
  }

  @Get(':id')
  async get(@CurrentCaller() caller: Caller, @Param('id', FILE_ID) id: string): Promise<FileView> {
    return toFileView(await this.files.get(caller, id));
  }

  @Get(':id/content')
  async content(
    @CurrentCaller() caller: Caller,
    @Param('id', FILE_ID) id: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await sendFile(request, response, await this.files.get(caller, id), this.files);
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@CurrentCaller() caller: Caller, @Param('id', FILE_ID) id: string): Promise<void> {
    await this.files.delete(caller, id);
  }

  private readForm(request: Request) {
    if (!isMultipart(request)) {
      throw new ProblemException({
        status: 415,
        detail: 'Send the file as multipart/form-data, in a part named "file".',
      });
    }
    return readUpload(request, this.storage, this.config.files);
  }
}
