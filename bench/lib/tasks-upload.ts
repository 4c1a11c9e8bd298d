import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { CpuMeter, type CpuUse, databaseNameOf } from './tasks-cpu.js';
import type { HttpClient } from './tasks-http.js';

const run = promisify(execFile);

/** MB as the report uses it: 10^6 bytes. */
export const MB = 1_000_000;
const RSS_SAMPLE_EVERY_MS = 50;

/** Resident set size of a process (VmRSS), in bytes; undefined once it has gone. */
async function rssOf(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

/** Samples another process's VmRSS every 50 ms until stopped. */
export class ProcessRssSampler {
  readonly samples: number[] = [];
  readonly #timer: NodeJS.Timeout;

  constructor(private readonly pid: number) {
    void this.#sample();
    this.#timer = setInterval(() => void this.#sample(), RSS_SAMPLE_EVERY_MS);
  }

  async stop(): Promise<number[]> {
    clearInterval(this.#timer);
    await this.#sample();
    return this.samples;
  }

  async #sample(): Promise<void> {
    const rss = await rssOf(this.pid);
    if (rss !== undefined) this.samples.push(rss);
  }
}

/** Writes `bytes` of random-looking data (1 MiB of random bytes, varied per block); its sha256. */
export async function generateBinaryFile(file: string, bytes: number): Promise<string> {
  const block = randomBytes(1024 * 1024);
  const hash = createHash('sha256');
  const out = createWriteStream(file);
  for (let written = 0, n = 0; written < bytes; n++) {
    const chunk = Buffer.from(block.subarray(0, Math.min(block.length, bytes - written)));
    chunk.writeUInt32LE(n, 0);
    hash.update(chunk);
    written += chunk.length;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return hash.digest('hex');
}

/** Flushes dirty pages, so that writing the input file does not slow what is measured next. */
export async function syncDisks(): Promise<void> {
  await run('sync');
}

export interface CopyReference {
  seconds: number;
  mbPerSecond: number;
}

/** `cp` of the file on the same disk (then the copy is removed). */
export async function measureCopy(
  file: string,
  copy: string,
  bytes: number,
): Promise<CopyReference> {
  await syncDisks();
  const started = performance.now();
  await run('cp', [file, copy]);
  const seconds = (performance.now() - started) / 1000;
  await rm(copy, { force: true });
  await syncDisks();
  return { seconds, mbPerSecond: bytes / MB / seconds };
}

export interface UploadResult {
  bytes: number;
  seconds: number;
  mbPerSecond: number;
  baselineRss: number;
  peakRss: number;
  rssGrowth: number;
  rssSamples: number;
  cpu: CpuUse;
}

/**
 * POST /files of `file` (multipart, streamed from disk) to a service that has just answered a
 * small warm-up upload; samples the service's RSS for a second before (baseline: the highest
 * sample) and during the upload (peak).
 */
export async function measureUpload(
  client: HttpClient,
  service: { pid: number; databaseUrl: string },
  input: { file: string; warmupFile: string; bytes: number; sha256: string },
): Promise<UploadResult> {
  const warmup = await client.postMultipart(
    '/api/v1/files',
    {},
    { path: input.warmupFile, name: 'warmup.bin', mediaType: 'application/octet-stream' },
  );
  if (warmup.status !== 200 && warmup.status !== 201)
    throw new Error(`warm-up upload: ${warmup.status} ${warmup.body}`);

  const before = new ProcessRssSampler(service.pid);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const baselineRss = Math.max(...(await before.stop()));

  const during = new ProcessRssSampler(service.pid);
  const meter = new CpuMeter(service.pid, databaseNameOf(service.databaseUrl));
  const started = performance.now();
  const response = await client.postMultipart(
    '/api/v1/files',
    {},
    { path: input.file, name: 'upload.bin', mediaType: 'application/octet-stream' },
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = meter.read();
  const samples = await during.stop();
  if (response.status !== 200 && response.status !== 201)
    throw new Error(`upload: ${response.status} ${response.body}`);
  const stored = JSON.parse(response.body) as { size: number; sha256: string };
  if (stored.size !== input.bytes || stored.sha256 !== input.sha256) {
    throw new Error(
      `upload stored ${stored.size} bytes, sha256 ${stored.sha256}; ` +
        `sent ${input.bytes} bytes, sha256 ${input.sha256}`,
    );
  }
  const peakRss = Math.max(...samples);
  return {
    bytes: input.bytes,
    seconds,
    mbPerSecond: input.bytes / MB / seconds,
    baselineRss,
    peakRss,
    rssGrowth: peakRss - baselineRss,
    rssSamples: samples.length,
    cpu,
  };
}
