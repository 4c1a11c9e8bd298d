import { Readable } from 'node:stream';
import {
  decodeText,
  firstBadUtf16le,
  firstBadUtf8,
  type TextEncoding,
} from '../../src/tasks/processors/text-input.js';

/** The decoded text, or the error's message, reading `bytes` in chunks of `chunkSize`. */
async function decode(bytes: Buffer, encoding: TextEncoding, chunkSize: number): Promise<string> {
  const chunks = (): Buffer[] => {
    const out: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += chunkSize) out.push(bytes.subarray(i, i + chunkSize));
    return out;
  };
  let text = '';
  try {
    const stream = decodeText(Readable.from(chunks()), encoding, undefined, () =>
      Promise.resolve(Readable.from(chunks())),
    );
    for await (const part of stream) text += part;
    return text;
  } catch (error) {
    return (error as Error).message;
  }
}

describe('decodeText', () => {
  // The bad byte follows "3,caf" on line 4.
  const prefix = Buffer.from('a,b\n1,ok\n2,é\n3,caf');
  const badUtf8 = Buffer.concat([prefix, Buffer.from([0xe9, 0x0a, 0x34])]);
  const offset = prefix.length;

  it('names the offset and line of the first bad byte, however the file is cut in chunks', async () => {
    for (const chunkSize of [1, 2, 3, 5, 64 * 1024]) {
      expect([chunkSize, await decode(badUtf8, 'utf8', chunkSize)]).toEqual([
        chunkSize,
        `The file is not valid utf-8 at byte offset ${offset} (line 4): ` +
          'no character starts with the bytes there (0xe9 …). ' +
          'Give its encoding in the "encoding" option, or convert it.',
      ]);
    }
  });

  it('finds a sequence cut off at the end of the file', async () => {
    const cut = Buffer.concat([Buffer.from('x\ny'), Buffer.from('€').subarray(0, 2)]);
    for (const chunkSize of [1, 4, 100]) {
      expect(await decode(cut, 'utf8', chunkSize)).toMatch(
        /at byte offset 3 \(line 2\): no character starts with the bytes there \(0xe2 …\)/,
      );
    }
  });

  it('finds an unpaired surrogate in UTF-16LE', async () => {
    const good = Buffer.from('a\nb', 'utf16le');
    const bytes = Buffer.concat([good, Buffer.from([0x3d, 0xd8, 0x41, 0x00])]);
    for (const chunkSize of [1, 3, 100]) {
      expect(await decode(bytes, 'utf16le', chunkSize)).toMatch(
        new RegExp(`not valid utf-16le at byte offset ${good.length} \\(line 2\\)`),
      );
    }
  });

  it('decodes latin1 as windows-1252, as WHATWG TextDecoder does', async () => {
    const bytes = Buffer.from([0x80, 0x20, 0xe9, 0x20, 0x93, 0x71, 0x94]);
    expect(await decode(bytes, 'latin1', 2)).toBe('€ é “q”');
    expect(await decode(bytes, 'windows-1252', 2)).toBe('€ é “q”');
  });
});

const utf8At = (bytes: number[], final = true) => firstBadUtf8(Uint8Array.from(bytes), final);
const utf16At = (bytes: number[], final = true) => firstBadUtf16le(Uint8Array.from(bytes), final);

describe('first bad sequence', () => {
  it('follows the Unicode table of well-formed UTF-8', () => {
    expect(utf8At([0x41, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80])).toBe(-1);
    expect(utf8At([0x41, 0xc0, 0x80])).toBe(1); // overlong
    expect(utf8At([0x41, 0xe0, 0x80, 0x80])).toBe(1); // overlong
    expect(utf8At([0xed, 0xa0, 0x80])).toBe(0); // surrogate
    expect(utf8At([0xf4, 0x90, 0x80, 0x80])).toBe(0); // above U+10FFFF
    expect(utf8At([0x41, 0x80])).toBe(1); // stray continuation
    expect(utf8At([0x41, 0xe2, 0x82])).toBe(1);
    expect(utf8At([0x41, 0xe2, 0x82], false)).toBe(-1); // may go on in the next chunk
  });

  it('finds unpaired UTF-16LE surrogates and an odd last byte', () => {
    expect(utf16At([0x41, 0x00, 0x3d, 0xd8, 0x00, 0xde])).toBe(-1);
    expect(utf16At([0x41, 0x00, 0x00, 0xde])).toBe(2);
    expect(utf16At([0x41, 0x00, 0x3d, 0xd8, 0x41, 0x00])).toBe(2);
    expect(utf16At([0x41, 0x00, 0x41])).toBe(2);
    expect(utf16At([0x41, 0x00, 0x3d, 0xd8], false)).toBe(-1);
  });
});
