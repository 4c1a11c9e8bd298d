import { formatCount, formatMeasure } from './format.js';
import { type CpuUse, cpuMsPerTask, describeCpu } from './tasks-cpu.js';
import type { ClientUpload } from './tasks-client-upload.js';
import type { EchoRun } from './tasks-echo-loops.js';
import type { EchoOutcome, TasksResults } from './tasks-report.js';
import { MB } from './tasks-upload.js';

function clientLine(name: string, bytes: number, client: ClientUpload): string {
  return (
    `${name}: ${formatCount(bytes / MB)} MB in ${formatMeasure(client.seconds)} s; RSS idle ` +
    `${formatMeasure(client.idleRss / MB)} MB, peak ${formatMeasure(client.peakRss / MB)} MB ` +
    `(${client.rssSamples} samples during the upload)`
  );
}

/** How long a run of the echo loops took, how its clients polled, its slowest task. */
function echoRunLine(label: string, run: EchoRun): string {
  return (
    `${label}: ${formatCount(run.tasks)} tasks in ${formatMeasure(run.seconds)} s` +
    `${run.timeLimited ? ' (stopped by the time limit, BENCH_ECHO_TIME_LIMIT_S)' : ''}, ` +
    `${run.pollsPerTask.toFixed(2)} GETs per task (${formatCount(run.notModified)} answered 304, ` +
    `the slowest after ${formatMeasure(run.notModifiedMaxMs)} ms); ` +
    `slowest task end to end ${formatMeasure(run.endToEndMaxMs)} ms`
  );
}

/** CPU per task of service, store and bench client, and the rate the machine's CPUs allow. */
function cpuPerTaskLine(
  label: string,
  run: EchoRun & { cpu: CpuUse },
  store: { name: string; cores: number },
): string {
  const { cpu } = run;
  const msPerTask = (cores: number): string => formatMeasure(cpuMsPerTask(cores, cpu, run.tasks));
  const totalMs = cpuMsPerTask(cpu.service + store.cores + cpu.bench, cpu, run.tasks);
  return (
    `${label} CPU per task: service ${msPerTask(cpu.service)} ms, ${store.name} ` +
    `${msPerTask(store.cores)} ms, bench client ${msPerTask(cpu.bench)} ms: at that ` +
    `cost ${cpu.cpus} CPUs top out near ${formatCount((cpu.cpus * 1000) / totalMs)} tasks/s`
  );
}

function echoLines({ echo, http, insertTps, reference }: EchoOutcome): string[] {
  const db = echo.perTask;
  const lines = [
    `${echoRunLine('echo', echo)}; pgbench single-row INSERT commits/s: ${insertTps}`,
    `echo: ${describeCpu(echo.cpu)}`,
    cpuPerTaskLine('echo', echo, { name: 'PostgreSQL', cores: echo.cpu.postgres }),
    `echo database work per task (pg_stat_database, approximate): ${db.commits.toFixed(1)} commits, ` +
      `${db.rollbacks.toFixed(2)} rollbacks, ${db.inserted.toFixed(1)} rows inserted, ` +
      `${db.updated.toFixed(1)} updated, ${db.deleted.toFixed(1)} deleted`,
    `bare node:http reference (server process): ${describeCpu(http.cpu)}`,
  ];
  if ('skipped' in reference) return [...lines, reference.skipped];
  if (!reference.ok) return [...lines, `NestJS + BullMQ reference failed: ${reference.error}`];
  const bullmq = reference.value;
  const { redis } = bullmq;
  return [
    ...lines,
    `${echoRunLine('NestJS + BullMQ', bullmq)}; Redis ${redis.version} at ` +
      `${new URL(redis.url).host}, ${redis.persistence}`,
    `NestJS + BullMQ: ${describeCpu(bullmq.cpu)}` +
      (bullmq.cpu.redis === undefined ? ' (redis-server not on this machine: not metered)' : ''),
    ...(bullmq.cpu.redis === undefined
      ? []
      : [
          cpuPerTaskLine('NestJS + BullMQ', bullmq, {
            name: 'redis-server',
            cores: bullmq.cpu.redis,
          }),
        ]),
  ];
}

/** Details behind the table: durations, polls, CPU use of each phase. */
export function detailLines(results: TasksResults): string[] {
  const lines: string[] = [];
  const cpu = (label: string, use: CpuUse): void => {
    lines.push(`${label}: ${describeCpu(use)}`);
  };
  if (results.echo?.ok) lines.push(...echoLines(results.echo.value));
  if (results.upload?.ok) {
    const { upload, copy } = results.upload.value;
    lines.push(
      `upload: ${formatCount(upload.bytes / MB)} MB in ${formatMeasure(upload.seconds)} s; ` +
        `cp ${formatMeasure(copy.seconds)} s; ${upload.rssSamples} RSS samples during the upload`,
    );
    cpu('upload', upload.cpu);
    cpu('bare HTTP sink upload (server process)', results.upload.value.sink.cpu);
    const { sdk, curl } = results.upload.value;
    if (sdk.ok) lines.push(clientLine('SDK uploadFile', upload.bytes, sdk.value));
    if (curl?.ok) lines.push(clientLine('curl -sf -F', upload.bytes, curl.value));
  }
  if (results.csv?.ok) {
    const { csv, psql } = results.csv.value;
    lines.push(
      `csv.import: ${formatMeasure(csv.bytes / MB)} MB; POST (upload + create) ` +
        `${formatMeasure(csv.requestSeconds)} s, queued ${formatMeasure(csv.queuedSeconds * 1000)} ms, ` +
        `started→succeeded ${formatMeasure(csv.taskSeconds)} s, wall ${formatMeasure(csv.wallSeconds)} s ` +
        `(${formatCount(csv.wallRowsPerSecond)} rows/s), ${csv.progressEvents} progress events, ` +
        `parser ${csv.parser}`,
    );
    lines.push(
      `psql \\copy: ${formatMeasure(psql.seconds)} s wall, of which start-up and connection ` +
        `~${formatMeasure(psql.startupSeconds * 1000)} ms (psql -c 'SELECT 1', best of 3)`,
    );
    cpu('csv.import (from the 202 to succeeded)', csv.cpu);
    cpu('psql \\copy', psql.cpu);
  }
  return lines;
}
