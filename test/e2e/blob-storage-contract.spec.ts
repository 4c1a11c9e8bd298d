import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { type BlobStorage, BlobTooLargeError } from '../../src/files/blob-storage.js';
import { LocalBlobStorage } from '../../src/files/local-blob-storage.js';
import { S3BlobStorage } from '../../src/files/s3-blob-storage.js';
import { startS3Server } from '../support/s3-server.js';
import { filesUnder } from '../support/uploads.js';

interface Store {
  storage: BlobStorage;
  /** Everything the store holds: files, objects, unfinished multipart uploads. */
  leftovers(): Promise<string[]>;
  close(): Promise<void>;
}

async function localStore(): Promise<Store> {
  const root = await mkdtemp(path.join(tmpdir(), 'taskyard-blobs-'));
  return {
    storage: new LocalBlobStorage(root),
    leftovers: () => filesUnder(root),
    close: () => rm(root, { recursive: true, force: true }),
  };
}

async function s3Store(): Promise<Store> {
  const server = await startS3Server();
  const storage = S3BlobStorage.connect(server.settings);
  return {
    storage,
    leftovers: async () => [...(await server.keys()), ...(await server.openUploads())],
    close: async () => {
      storage.onApplicationShutdown();
      await server.close();
    },
  };
}

const MiB = 1024 * 1024;
const sha256Of = (content: string | Buffer): string =>
  createHash('sha256').update(content).digest('hex');

/** `total` bytes in 1 MiB chunks, then `error` if one is given: a client gone midway. */
function bytes(total: number, error?: Error): Readable {
  return Readable.from(
    (function* () {
      for (let sent = 0; sent < total; sent += MiB)
        yield Buffer.alloc(Math.min(MiB, total - sent), 7);
      if (error) throw error;
    })(),
  );
}

describe.each([
  ['local', localStore],
  ['s3', s3Store],
])('BlobStorage contract: %s', (_name, open) => {
  let store: Store;
  let storage: BlobStorage;

  beforeEach(async () => {
    store = await open();
    storage = store.storage;
  });

  afterEach(() => store.close());

  async function put(content: string): Promise<string> {
    const staged = await storage.stage(Readable.from([content]));
    await staged.commit();
    return staged.sha256;
  }

  it('stages content out of sight, and commit makes it readable under its sha256', async () => {
    const staged = await storage.stage(Readable.from(['hello, ', 'world']));
    expect(staged).toMatchObject({ sha256: sha256Of('hello, world'), size: 12 });
    expect(await storage.exists(staged.sha256)).toBe(false);
    await staged.commit();
    expect(await storage.exists(staged.sha256)).toBe(true);
    expect(await text(await storage.open(staged.sha256))).toBe('hello, world');
    await staged.discard(); // after commit: harmless
    expect(await text(await storage.open(staged.sha256))).toBe('hello, world');
    expect(await store.leftovers()).toHaveLength(1);
  });

  it('keeps nothing of a discarded blob, even discarded twice', async () => {
    const staged = await storage.stage(Readable.from(['gone']));
    await staged.discard();
    await staged.discard();
    expect(await storage.exists(staged.sha256)).toBe(false);
    expect(await store.leftovers()).toEqual([]);
  });

  it('stores the same content once', async () => {
    const first = await put('twice');
    const second = await put('twice');
    expect(second).toBe(first);
    expect(await store.leftovers()).toHaveLength(1);
  });

  it('stores an empty blob', async () => {
    const sha256 = await put('');
    expect(sha256).toBe(sha256Of(''));
    expect(await text(await storage.open(sha256))).toBe('');
  });

  it('reads a byte range, both ends included', async () => {
    const sha256 = await put('0123456789');
    expect(await text(await storage.open(sha256, { start: 2, end: 5 }))).toBe('2345');
    expect(await text(await storage.open(sha256, { start: 9, end: 9 }))).toBe('9');
  });

  it('answers exists false, and open rejects, for content it does not hold', async () => {
    const missing = sha256Of('never stored');
    expect(await storage.exists(missing)).toBe(false);
    await expect(storage.open(missing)).rejects.toThrow(/ENOENT|key does not exist/);
  });

  it('streams content larger than a multipart part through the hash', async () => {
    const staged = await storage.stage(bytes(20 * MiB + 5));
    expect(staged).toMatchObject({
      sha256: sha256Of(Buffer.alloc(20 * MiB + 5, 7)),
      size: 20 * MiB + 5,
    });
    await staged.commit();
    const tail = await storage.open(staged.sha256, { start: 20 * MiB, end: 20 * MiB + 4 });
    expect(await text(tail)).toBe('\x07'.repeat(5));
    expect(await store.leftovers()).toHaveLength(1);
  });

  it('hides a blob until confirmed, and undo puts it back', async () => {
    const sha256 = await put('kept, then gone');
    const undone = await storage.hide(sha256);
    expect(await storage.exists(sha256)).toBe(false);
    await undone.undo();
    expect(await text(await storage.open(sha256))).toBe('kept, then gone');

    const confirmed = await storage.hide(sha256);
    await confirmed.confirm();
    expect(await storage.exists(sha256)).toBe(false);
    expect(await store.leftovers()).toEqual([]);
  });

  it('hides a blob it does not hold without complaint', async () => {
    const hidden = await storage.hide(sha256Of('never stored'));
    await hidden.confirm();
    await hidden.undo();
    expect(await store.leftovers()).toEqual([]);
  });

  it.each([
    ['a small blob', 10, 5],
    ['a multipart upload', 20 * MiB, 12 * MiB],
  ])('refuses %s past maxBytes and keeps nothing', async (_what, size, maxBytes) => {
    const staging = storage.stage(bytes(size), { maxBytes });
    await expect(staging).rejects.toThrow(BlobTooLargeError);
    expect(await store.leftovers()).toEqual([]);
  });

  it.each([
    ['before the first part', 1 * MiB],
    ['after several parts', 20 * MiB],
  ])('keeps nothing when the source fails %s', async (_when, size) => {
    const cut = new Error('the client went away');
    await expect(storage.stage(bytes(size, cut))).rejects.toBe(cut);
    expect(await store.leftovers()).toEqual([]);
  });
});
