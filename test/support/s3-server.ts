import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import S3rver from '@20minutes/s3rver';
import type { AppConfig } from '../../src/config/app-config.js';
import { loadConfig } from '../../src/config/load-config.js';

const BUCKET = 'taskyard-test';

export interface TestS3Server {
  /** The settings that point Taskyard at this server, as environment variables. */
  env: Record<string, string>;
  settings: AppConfig['storage']['s3'];
  /** Every key in the bucket, sorted. */
  keys(): Promise<string[]>;
  /** Multipart uploads begun and neither completed nor aborted. */
  openUploads(): Promise<string[]>;
  close(): Promise<void>;
}

/** An S3-compatible server (s3rver) on a random port, its data in a temporary directory. */
export async function startS3Server(): Promise<TestS3Server> {
  const directory = await mkdtemp(path.join(tmpdir(), 'taskyard-s3-'));
  const uploadsDir = path.join(directory, BUCKET, '._S3rver_uploads');
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: BUCKET }],
  });
  // s3rver lacks AbortMultipartUpload (it answers 405): answer it as S3 does, parts dropped, so
  // that openUploads() shows whether an upload was aborted.
  server.middleware.unshift(async (context, next) => {
    const uploadId = context.query.uploadId;
    if (context.method !== 'DELETE' || typeof uploadId !== 'string') return next();
    await rm(path.join(uploadsDir, path.basename(uploadId)), { recursive: true, force: true });
    context.status = 204;
  });
  const { port } = await server.run();
  const env = {
    STORAGE: 's3',
    S3_ENDPOINT: `http://127.0.0.1:${port}`,
    S3_REGION: 'us-east-1',
    S3_BUCKET: BUCKET,
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
    S3_FORCE_PATH_STYLE: 'true',
  };
  const settings = loadConfig(env, null).storage.s3;
  const { bucket: _bucket, ...clientSettings } = settings;
  const client = new S3Client(clientSettings);
  // s3rver checks the signature of a bucket's path without the trailing slash the SDK sends.
  client.middlewareStack.add(
    (next) => (args) => {
      const request = args.request as { path: string };
      request.path = request.path.replace(/(.)\/$/, '$1');
      return next(args);
    },
    { step: 'build' },
  );
  return {
    env,
    settings,
    keys: async () => {
      const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET }));
      return (listed.Contents ?? []).map((object) => object.Key ?? '').sort();
    },
    openUploads: () => readdir(uploadsDir).catch(() => []),
    close: async () => {
      client.destroy();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
