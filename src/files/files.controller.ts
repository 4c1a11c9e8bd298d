import { Controller, Delete, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Caller } from '../auth/api-key.js';
import { CurrentCaller } from '../auth/auth.decorators.js';
import { AppConfig } from '../config/app-config.js';
import { sendFile } from '../http/download.js';
import { isMultipart, readUpload } from '../http/multipart.js';
import {
  ApiKeyAuth,
  CachedOkResponse,
  DownloadResponses,
  ProblemResponses,
} from '../http/openapi.js';
import { IdParam } from '../http/params.js';
import { ProblemException } from '../http/problem.js';
import { BlobStorage } from './blob-storage.js';
import { type FileView, FileViewDto, toFileView } from './file.view.js';
import { FilesService } from './files.service.js';

const FILE_ID = new IdParam('file');

/** `{id}` of the routes of one file: not a UUID is 404, as an unknown one. */
const FileIdParam = (): MethodDecorator =>
  ApiParam({ name: 'id', format: 'uuid', description: 'The file id.' });

@ApiTags('files')
@ApiKeyAuth()
@Controller('files')
export class FilesController {
  constructor(
    private readonly files: FilesService,
    private readonly storage: BlobStorage,
    private readonly config: AppConfig,
  ) {}

  /** multipart/form-data with one part named `file`. */
  @Post()
  @ApiOperation({
    operationId: 'uploadFile',
    summary: 'Upload a file, to give to tasks by fileId',
    requestBody: {
      required: true,
      content: {
        'multipart/form-data': {
          schema: {
            type: 'object',
            required: ['file'],
            properties: { file: { type: 'string', format: 'binary' } },
          },
        },
      },
    },
  })
  @ApiCreatedResponse({
    type: FileViewDto,
    description: 'Stored.',
    headers: {
      Location: { description: 'The file: /api/v1/files/{id}.', schema: { type: 'string' } },
    },
  })
  @ProblemResponses(400, 413, 415, 422)
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
  @FileIdParam()
  @ApiOperation({ operationId: 'getFile', summary: "A file's metadata" })
  @CachedOkResponse({ type: FileViewDto })
  @ProblemResponses(404)
  async get(@CurrentCaller() caller: Caller, @Param('id', FILE_ID) id: string): Promise<FileView> {
    return toFileView(await this.files.get(caller, id));
  }

  @Get(':id/content')
  @FileIdParam()
  @ApiOperation({ operationId: 'getFileContent', summary: "Download a file's content" })
  @DownloadResponses()
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
  @FileIdParam()
  @ApiOperation({
    operationId: 'deleteFile',
    summary: 'Delete a file no task takes as its input',
  })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ProblemResponses(404, 409)
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
