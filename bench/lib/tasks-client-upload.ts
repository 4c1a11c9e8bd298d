import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { MB, ProcessRssSampler } from './tasks-upload.js';

const run = promisify(execFile);

const SDK_MODULE = new URL('../../../dist/client/index.js', import.meta.url).href;

/**
 * The SDK's uploadFile in its own process: a 1 MB warm-up upload (fetch loads lazily), "ready",
 * then, once its stdin ends, the measured upload; prints its seconds and what the service stored.
 */
const SDK_CHILD = `
const env = process.env;
const { Taskyard } = await import(env.SDK_MODULE);
const client = new Taskyard({ url: env.SERVICE_URL, key: env.API_KEY });
await client.uploadFile(env.WARMUP_FILE);
process.stdout.write('ready\\n');
process.stdin.resume();
await new Promise((resolve) => process.stdin.once('end', resolve));
const started = performance.now();
const stored = await client.uploadFile(env.UPLOAD_FILE);
const seconds = (performance.now() - started) / 1000;
process.stdout.write(JSON.stringify({ seconds, size: stored.size, sha256: stored.sha256 }) + '\\n');
`;

export interface ClientUpload {
  seconds: number;
  mbPerSecond: number;
  idleRss: number;
  peakRss: number;
  rssGrowth: number;
  rssSamples: number;
}

interface Target {
  baseUrl: string;
  apiKey: string;
}

interface Input {
  file: string;
  warmupFile: string;
  bytes: number;
  sha256: string;
}

interface ClientProcess {
  command: string;
  args: string[];
  env?: Record<string, string>;
  /** Printed once the process is idle, ready to upload; without it, idle once started. */
  readyLine?: string;
  /** The upload's seconds and the stored file, from the process's stdout. */
  parse: (stdout: string) => { seconds: number; size: number; sha256: string };
}

/**
 * Runs a client process that, once idle, waits until its stdin ends, then uploads: its RSS is
 * sampled for a second before (idle: the highest sample) and during the upload (peak). The stored
 * file is checked against the input.
 */
async function measureClientProcess(client: ClientProcess, input: Input): Promise<ClientUpload> {
  const { command, readyLine } = client;
  const child = spawn(command, client.args, { env: { ...process.env, ...client.env } });
  const started = once(child, 'spawn');
  started.catch(() => undefined); // a failed spawn is reported by `exited`
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const ready = new Promise<void>((resolve) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (readyLine !== undefined && stdout.includes(readyLine)) resolve();
    });
  });
  try {
    await Promise.race([
      readyLine === undefined ? started : ready,
      exited.then(() => {
        throw new Error(`${command} exited before the upload: ${stderr.trim()}`);
      }),
    ]);
    const before = new ProcessRssSampler(child.pid ?? 0);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const idleRss = Math.max(...(await before.stop()));

    const during = new ProcessRssSampler(child.pid ?? 0);
    child.stdin.end();
    const [code, signal] = await exited;
    const samples = await during.stop();
    if (samples.length === 0) throw new Error(`${command}: no RSS sample during the upload`);
    if (code !== 0) throw new Error(`${command} exited ${signal ?? code}: ${stderr.trim()}`);
    const result = client.parse(stdout);
    if (result.size !== input.bytes || result.sha256 !== input.sha256) {
      throw new Error(
        `${command} upload stored ${result.size} bytes, sha256 ${result.sha256}; ` +
          `sent ${input.bytes} bytes, sha256 ${input.sha256}`,
      );
    }
    const peakRss = Math.max(...samples);
    return {
      seconds: result.seconds,
      mbPerSecond: input.bytes / MB / result.seconds,
      idleRss,
      peakRss,
      rssGrowth: peakRss - idleRss,
      rssSamples: samples.length,
    };
  } finally {
    child.kill();
  }
}

/** `new Taskyard({ url, key }).uploadFile(file)` in a child Node process. */
export function measureSdkUpload(target: Target, input: Input): Promise<ClientUpload> {
  return measureClientProcess(
    {
      command: process.execPath,
      args: ['--input-type=module', '-e', SDK_CHILD],
      env: {
        SDK_MODULE,
        SERVICE_URL: target.baseUrl,
        API_KEY: target.apiKey,
        WARMUP_FILE: input.warmupFile,
        UPLOAD_FILE: input.file,
      },
      readyLine: 'ready\n',
      parse: (stdout) =>
        JSON.parse(stdout.trim().split('\n').pop() ?? '') as {
          seconds: number;
          size: number;
          sha256: string;
        },
    },
    input,
  );
}

/** Whether curl can be run here. */
export async function hasCurl(): Promise<boolean> {
  return run('curl', ['--version']).then(
    () => true,
    () => false,
  );
}

/**
 * `curl -sf -F file=@<file>` to POST /api/v1/files. `-K -` makes curl read (empty) options from
 * its stdin first, so that it waits, started, while its idle RSS is sampled.
 */
export function measureCurlUpload(target: Target, input: Input): Promise<ClientUpload> {
  return measureClientProcess(
    {
      command: 'curl',
      args: [
        '-sf',
        '-H',
        `authorization: Bearer ${target.apiKey}`,
        '-F',
        `file=@${input.file}`,
        '-w',
        '\n%{time_total}',
        `${target.baseUrl}/api/v1/files`,
        '-K',
        '-',
      ],
      parse: (stdout) => {
        const lines = stdout.trim().split('\n');
        const seconds = Number(lines.pop());
        return { seconds, ...(JSON.parse(lines.join('\n')) as { size: number; sha256: string }) };
      },
    },
    input,
  );
}
