import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { CpuMeter, type CpuUse } from './tasks-cpu.js';
import { HttpClient } from './tasks-http.js';

/** A bare node:http server that answers every request with a small JSON body; prints its port. */
const SERVER = `
const { createServer } = require('node:http');
const body = JSON.stringify({ id: '00000000-0000-0000-0000-000000000000', status: 'succeeded' });
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

export interface HttpCeiling {
  requestsPerSecond: number;
  cpu: CpuUse;
}

interface BareServer {
  client: HttpClient;
  pid: number | undefined;
  stop(): void;
}

async function startBareServer(): Promise<BareServer> {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
    const client = new HttpClient(`http://127.0.0.1:${chunk.toString().trim()}`, 'none');
    return {
      client,
      pid: child.pid,
      stop: () => {
        client.close();
        child.kill();
      },
    };
  } catch (error) {
    child.kill();
    throw error;
  }
}

/**
 * Requests per second a bare node:http server (one process, as the service is) answers to
 * `clients` keep-alive client loops of this process for `seconds`: the HTTP ceiling of any Node
 * service on this machine.
 */
export async function measureHttpCeiling(clients: number, seconds: number): Promise<HttpCeiling> {
  const server = await startBareServer();
  try {
    let requests = 0;
    const meter = new CpuMeter(server.pid, 'none: no database');
    const started = performance.now();
    const end = started + seconds * 1000;
    const loop = async (): Promise<void> => {
      while (performance.now() < end) {
        await server.client.request('GET', '/api/v1/tasks/00000000-0000-0000-0000-000000000000');
        requests += 1;
      }
    };
    await Promise.all(Array.from({ length: clients }, loop));
    const elapsed = (performance.now() - started) / 1000;
    return { requestsPerSecond: requests / elapsed, cpu: meter.read() };
  } finally {
    server.stop();
  }
}

export interface SinkUpload {
  seconds: number;
  cpu: CpuUse;
}

/**
 * The same multipart upload as the service gets, sent to a bare node:http server that only reads
 * the body: what moving the bytes through loopback TCP into one Node process costs here.
 */
export async function measureSinkUpload(file: string): Promise<SinkUpload> {
  const server = await startBareServer();
  try {
    const meter = new CpuMeter(server.pid, 'none: no database');
    const started = performance.now();
    const response = await server.client.postMultipart(
      '/sink',
      {},
      { path: file, name: 'upload.bin', mediaType: 'application/octet-stream' },
    );
    const seconds = (performance.now() - started) / 1000;
    if (response.status !== 200) throw new Error(`bare sink upload: ${response.status}`);
    return { seconds, cpu: meter.read() };
  } finally {
    server.stop();
  }
}
