/**
 * Writes a web stream to a file (Node only: node:fs and node:stream are imported here, when
 * called, so that the client loads in a browser too). A failed write leaves no partial file.
 */
export async function saveStream(
  body: ReadableStream<Uint8Array>,
  path: string,
  signal?: AbortSignal,
): Promise<{ bytes: number }> {
  const [{ createWriteStream, promises }, { Readable }, { pipeline }] = await Promise.all([
    import('node:fs'),
    import('node:stream'),
    import('node:stream/promises'),
  ]);
  let bytes = 0;
  try {
    await pipeline(
      Readable.fromWeb(body as Parameters<typeof Readable.fromWeb>[0]),
      async function* (source: AsyncIterable<Uint8Array>) {
        for await (const chunk of source) {
          bytes += chunk.byteLength;
          yield chunk;
        }
      },
      createWriteStream(path),
      { signal },
    );
  } catch (error) {
    await promises.rm(path, { force: true });
    throw signal?.aborted ? signal.reason : error;
  }
  return { bytes };
}
