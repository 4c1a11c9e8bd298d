import cliProgress from 'cli-progress';
import type { Task, TaskEvent, UploadProgress } from '../client/index.js';
import { eventDetail } from './event-text.js';
import { bytes, print } from './output.js';

/** What `submit` and `run` show while a file uploads and a task runs. */
export interface Display {
  uploadProgress(progress: UploadProgress): void;
  created(task: Task): void;
  event(event: TaskEvent): void;
  /** Ends the bars (at once, on Ctrl-C too) so that what follows prints below them. */
  stop(): void;
}

const FINAL_KINDS = new Set(['succeeded', 'failed', 'cancelled']);

/** Bars in a terminal; plain lines when stdout is a file or a pipe; nothing for `--json`. */
export function createDisplay(mode: 'bars' | 'lines' | 'none', file?: string): Display {
  if (mode === 'bars') return new BarsDisplay(file);
  if (mode === 'lines') return new LinesDisplay(file);
  return { uploadProgress() {}, created() {}, event() {}, stop() {} };
}

/** Upload speed so far, e.g. 85.2 MB/s. */
class Rate {
  private readonly startedAt = performance.now();

  of(loaded: number): string {
    const seconds = (performance.now() - this.startedAt) / 1000;
    return `${bytes(Math.round(seconds > 0 ? loaded / seconds : 0))}/s`;
  }
}

class LinesDisplay implements Display {
  private readonly rate = new Rate();
  private loaded = 0;

  constructor(private readonly file?: string) {}

  uploadProgress(progress: UploadProgress): void {
    this.loaded = progress.loaded;
  }

  created(task: Task): void {
    if (this.file)
      print(`uploaded ${this.file}: ${bytes(this.loaded)}, ${this.rate.of(this.loaded)}`);
    print(`task ${task.id} (${task.type}) ${task.status}`);
  }

  event(event: TaskEvent): void {
    if (FINAL_KINDS.has(event.kind)) return; // the summary says how it ended
    const detail = eventDetail(event);
    print(detail ? `${event.kind} ${detail}` : event.kind);
  }

  stop(): void {}
}

/** cli-progress bars on stdout: the upload's, then, below the task's line, the task's. */
class BarsDisplay implements Display {
  private readonly rate = new Rate();
  private uploadBars?: cliProgress.MultiBar;
  private upload?: cliProgress.SingleBar;
  private taskBars?: cliProgress.MultiBar;
  private task?: cliProgress.SingleBar;

  constructor(private readonly file?: string) {}

  uploadProgress({ loaded, total }: UploadProgress): void {
    const size = total ?? loaded;
    const payload = { done: bytes(loaded), size: bytes(size), speed: this.rate.of(loaded) };
    this.uploadBars ??= bars();
    this.upload ??= this.uploadBars.create(size, 0, payload, {
      format: `upload {bar} {percentage}% | {done} of {size} | {speed} | ETA {eta_formatted}`,
    });
    this.upload.setTotal(size);
    this.upload.update(loaded, payload);
  }

  created(task: Task): void {
    this.uploadBars?.stop();
    print(`task ${task.id} (${task.type}) ${task.status}${this.file ? ` from ${this.file}` : ''}`);
  }

  event(event: TaskEvent): void {
    this.taskBars ??= bars();
    this.task ??= this.taskBars.create(
      100,
      0,
      { status: 'queued', message: '' },
      {
        format: `task   {bar} {percentage}% | {status} {message}`,
      },
    );
    const data = (event.data ?? {}) as Record<string, unknown>;
    if (event.kind === 'progress') {
      const percent = typeof data.percent === 'number' ? data.percent : undefined;
      const message = typeof data.message === 'string' ? data.message : '';
      this.task.update(percent ?? this.task.getProgress() * 100, { message });
      return;
    }
    if (event.kind === 'succeeded') this.task.update(100, { message: '' });
    this.task.update({ status: event.kind === 'started' ? 'running' : event.kind });
    const detail = eventDetail(event);
    if (!['created', 'started'].includes(event.kind) && !FINAL_KINDS.has(event.kind) && detail) {
      this.taskBars.log(`${event.kind} ${detail}\n`);
    }
  }

  stop(): void {
    this.uploadBars?.stop();
    this.taskBars?.stop();
  }
}

function bars(): cliProgress.MultiBar {
  return new cliProgress.MultiBar(
    { stream: process.stdout, hideCursor: true, barsize: 20 },
    cliProgress.Presets.shades_classic,
  );
}
