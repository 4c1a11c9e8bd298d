import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { Caller } from '../auth/api-key.js';
import { AppConfig } from '../config/app-config.js';
import { BlobStorage } from '../files/blob-storage.js';
import { checkDeclaredLength, isMultipart, readMultipart } from '../files/multipart.js';
import { ProblemException } from '../http/problem.js';
import { validationProblem } from '../http/validation.js';
import { TenantLimitsService } from '../tenants/tenant-limits.service.js';
import type { TaskSpec } from './task-spec.js';
import { type CreatedTask, TaskCreator } from './task-creator.js';

const JSON_FIELDS = new Set(['type', 'payload', 'options', 'fileId']);
const FORM_FIELDS = new Set(['type', 'options']);
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/** POST /tasks in its two forms: a JSON body, or a multipart form with the file. */
@Injectable()
export class TaskCreationService {
  constructor(
    private readonly tasks: TaskCreator,
    private readonly storage: BlobStorage,
    private readonly config: AppConfig,
    private readonly limits: TenantLimitsService,
  ) {}

  async create(caller: Caller, request: Request, idempotencyKey?: string): Promise<CreatedTask> {
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw validationProblem([
        {
          field: 'Idempotency-Key',
          messages: ['Idempotency-Key must be 1 to 200 visible ASCII characters'],
        },
      ]);
    }
    // Before the body is read: a full tenant does not upload a file for nothing.
    await this.limits.checkQueuedTasks(caller.tenant);
    if (isMultipart(request)) return this.fromForm(caller, request, idempotencyKey);
    if (!request.is('application/json')) {
      throw new ProblemException({
        status: 415,
        detail: 'Send the task as application/json, or as multipart/form-data with its file.',
      });
    }
    return this.tasks.create(caller, jsonSpec(request.body), idempotencyKey);
  }

  private async fromForm(
    caller: Caller,
    request: Request,
    idempotencyKey?: string,
  ): Promise<CreatedTask> {
    checkDeclaredLength(request, this.config.files.maxUploadBytes);
    const { fields, file } = await readMultipart(request, this.storage, {
      maxFileBytes: this.config.files.maxUploadBytes,
      mediaTypes: this.config.files.mediaTypes,
    });
    try {
      const spec = formSpec(fields);
      if (!file) {
        throw validationProblem([
          { field: 'file', messages: ['the form has no part named "file"'] },
        ]);
      }
      return await this.tasks.createWithUpload(caller, spec, file, idempotencyKey);
    } catch (error) {
      await file?.staged.discard();
      throw error;
    }
  }
}

function jsonSpec(body: unknown): TaskSpec {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw validationProblem([], 'The body must be a JSON object with at least "type".');
  }
  const unknown = Object.keys(body).filter((key) => !JSON_FIELDS.has(key));
  if (unknown.length > 0) {
    throw validationProblem(
      unknown.map((field) => ({ field, messages: [`property ${field} should not exist`] })),
    );
  }
  return body;
}

function formSpec(fields: Record<string, string>): TaskSpec {
  const unknown = Object.keys(fields).filter((key) => !FORM_FIELDS.has(key));
  if (unknown.length > 0) {
    throw validationProblem(
      unknown.map((field) => ({ field, messages: [`form field ${field} should not exist`] })),
    );
  }
  let options: unknown;
  if (fields.options !== undefined && fields.options.trim() !== '') {
    try {
      options = JSON.parse(fields.options);
    } catch {
      throw validationProblem([{ field: 'options', messages: ['options must be JSON text'] }]);
    }
  }
  return { type: fields.type, options };
}
