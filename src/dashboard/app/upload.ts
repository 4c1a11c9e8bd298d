import { TaskyardError } from '../../client/index.js';
import type { Problem, Task } from '../../client/index.js';

export interface UploadTaskInput {
  file: File;
  type: string;
  options: Record<string, unknown>;
}

export interface UploadState {
  /** Request bytes sent so far, and the whole request's size (the file and a few form lines). */
  loaded: number;
  total: number;
}

/**
 * Creates a task with its file in one multipart POST over XMLHttpRequest: fetch reports no upload
 * progress. `type` and `options` go before the file, so the server checks them before it reads the
 * file. A problem answer rejects with a TaskyardError (as the SDK's calls do), an abort with an
 * AbortError, no answer with an Error that says so.
 */
export function uploadTask(
  key: string,
  input: UploadTaskInput,
  onProgress: (state: UploadState) => void,
  signal: AbortSignal,
): Promise<Task> {
  const form = new FormData();
  form.append('type', input.type);
  form.append('options', JSON.stringify(input.options));
  form.append('file', input.file, input.file.name);

  return new Promise<Task>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/v1/tasks');
    xhr.setRequestHeader('authorization', `Bearer ${key}`);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.addEventListener('progress', (event) => {
      onProgress({ loaded: event.loaded, total: event.lengthComputable ? event.total : 0 });
    });
    xhr.addEventListener('load', () => {
      const body = parse(xhr.responseText);
      if (xhr.status < 400) resolve(body as Task);
      else reject(new TaskyardError(problemOf(body, xhr)));
    });
    xhr.addEventListener('error', () =>
      reject(new Error('The upload did not reach the service (network error).')),
    );
    xhr.addEventListener('abort', () =>
      reject(new DOMException('The upload was cancelled.', 'AbortError')),
    );
    signal.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(form);
  });
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function problemOf(body: unknown, xhr: XMLHttpRequest): Problem {
  const problem = body as Partial<Problem> | undefined;
  if (typeof problem?.title === 'string') {
    return {
      ...problem,
      type: problem.type ?? 'about:blank',
      title: problem.title,
      status: xhr.status,
    };
  }
  return { type: 'about:blank', title: xhr.statusText || `HTTP ${xhr.status}`, status: xhr.status };
}
