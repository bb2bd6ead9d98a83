/**
 * The chart archive container: a tar stream as Go's archive/tar writes it for Helm (regular files
 * only, mode 0644, uid/gid 0, no user names, USTAR unless a name needs PAX, no directory entries,
 * no record padding) inside a gzip member with Helm's header (comment `Helm`, Helm's extra field,
 * MTIME 0, OS 255). The deflate data comes from zlib at Go's default level 6; Go's compressor would
 * produce different bytes for the same tar, so archives match Helm's in everything but those bytes.
 */
import { Readable } from 'node:stream';
import { constants, crc32, deflateRawSync, gunzipSync } from 'node:zlib';
import { extract } from 'tar-stream';

export interface ArchiveFile {
  /** `/`-separated path inside the archive, e.g. `my-app/templates/deployment.yaml`. */
  name: string;
  data: Buffer;
}

/**
 * The gzip FEXTRA bytes of Helm v3 and v4.0–v4.2.3 (the form the archives in the wild carry; Helm
 * v4.2.4 wraps the same text in a proper RFC 1952 subfield).
 */
export const HELM_GZIP_EXTRA = Buffer.from('+aHR0cHM6Ly95b3V0dS5iZS96OVV6MWljandyTQo=', 'latin1');
export const HELM_GZIP_COMMENT = 'Helm';

/** Largest archive (decompressed) and file that Helm loads: 100 MiB and 5 MiB. */
export const MAX_DECOMPRESSED_CHART_SIZE = 100 * 1024 * 1024;
export const MAX_FILE_SIZE = 5 * 1024 * 1024;

const BLOCK = 512;

/** Builds the tar stream. `modTime` (unix seconds) is written on every entry. */
export function writeTar(files: readonly ArchiveFile[], modTime: number): Buffer {
  const parts: Buffer[] = [];
  for (const file of files) {
    const header = ustarHeader(file.name, file.data.length, modTime);
    if (header) {
      parts.push(header);
    } else {
      // Names USTAR cannot hold (non-ASCII, or too long to split) get a PAX `path` record first.
      const record = paxRecord('path', file.name);
      const [dir, base] = splitLast(file.name);
      parts.push(rawHeader(`${dir}PaxHeaders.0/${base}`, record.length, 0, 'x', true), pad(record));
      parts.push(rawHeader(file.name, file.data.length, modTime, '0', false));
    }
    parts.push(pad(file.data));
  }
  parts.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(parts);
}

/** gzip with Helm's header fields. */
export function gzipHelm(data: Buffer): Buffer {
  const header = Buffer.alloc(10);
  header[0] = 0x1f;
  header[1] = 0x8b;
  header[2] = 8; // deflate
  header[3] = 0x04 | 0x10; // FEXTRA | FCOMMENT
  // bytes 4-7: MTIME 0; byte 8: XFL 0 (Go writes 0 at the default level)
  header[9] = 255; // OS: unknown, as Go writes it
  const xlen = Buffer.alloc(2);
  xlen.writeUInt16LE(HELM_GZIP_EXTRA.length);
  const comment = Buffer.from(`${HELM_GZIP_COMMENT}\0`, 'latin1');
  const body = deflateRawSync(data, {
    level: 6,
    memLevel: 8,
    windowBits: 15,
    strategy: constants.Z_DEFAULT_STRATEGY,
  });
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(data) >>> 0, 0);
  trailer.writeUInt32LE(data.length % 2 ** 32, 4);
  return Buffer.concat([header, xlen, HELM_GZIP_EXTRA, comment, body, trailer]);
}

/** A complete chart archive: tar + gzip. */
export function buildArchive(files: readonly ArchiveFile[], modTime: number): Buffer {
  return gzipHelm(writeTar(files, modTime));
}

export class ArchiveError extends Error {
  override name = 'ArchiveError';
}

/**
 * Reads the regular files of a .tgz in archive order. Directories and PAX headers are skipped, as
 * Helm does; links and devices are refused.
 */
export async function readArchive(tgz: Buffer): Promise<ArchiveFile[]> {
  let tar: Buffer;
  try {
    tar = gunzipSync(tgz, { maxOutputLength: MAX_DECOMPRESSED_CHART_SIZE });
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE'
        ? 'larger than 100 MiB'
        : (error as Error).message;
    throw new ArchiveError(`not a readable gzip archive (${reason})`);
  }
  const files: ArchiveFile[] = [];
  const extractor = extract();
  const reading = (async () => {
    for await (const entry of extractor) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      const type = entry.header.type ?? 'file';
      if (type === 'file' || type === 'contiguous-file') {
        files.push({ name: entry.header.name.replaceAll('\\', '/'), data: Buffer.concat(chunks) });
      } else if (type !== 'directory') {
        throw new ArchiveError(
          `entry '${entry.header.name}' is a ${type}; a chart archive holds regular files only`,
        );
      }
    }
  })();
  Readable.from([tar]).pipe(extractor);
  try {
    await reading;
  } catch (error) {
    if (error instanceof ArchiveError) throw error;
    throw new ArchiveError(`not a readable tar archive (${(error as Error).message})`);
  }
  return files;
}

/** The USTAR header Go writes, or undefined when the name needs PAX. */
function ustarHeader(name: string, size: number, modTime: number): Buffer | undefined {
  if (!isAscii(name)) return undefined;
  if (Buffer.byteLength(name) <= 100) return rawHeader(name, size, modTime, '0', false);
  const split = splitUstarPath(name);
  if (!split) return undefined;
  return rawHeader(split.suffix, size, modTime, '0', false, split.prefix);
}

/** Go's prefix/suffix split: the last `/` such that prefix <= 155 and suffix <= 100 bytes. */
function splitUstarPath(name: string): { prefix: string; suffix: string } | undefined {
  let length = name.length;
  if (length > 156) length = 156;
  else if (name[length - 1] === '/') length--;
  const i = name.slice(0, length).lastIndexOf('/');
  const suffixLength = name.length - i - 1;
  if (i <= 0 || suffixLength > 100 || suffixLength === 0 || i > 155) return undefined;
  return { prefix: name.slice(0, i), suffix: name.slice(i + 1) };
}

/**
 * One 512-byte header. `special` marks a PAX extended header, which Go writes with only the V7
 * fields set (no device numbers).
 */
function rawHeader(
  name: string,
  size: number,
  modTime: number,
  type: string,
  special: boolean,
  prefix = '',
): Buffer {
  const block = Buffer.alloc(BLOCK);
  writeString(block, 0, 100, toAscii(name));
  writeOctal(block, 100, 8, special ? 0 : 0o644);
  writeOctal(block, 108, 8, 0);
  writeOctal(block, 116, 8, 0);
  writeOctal(block, 124, 12, size);
  writeOctal(block, 136, 12, special ? 0 : modTime);
  block.write(type, 156, 'latin1');
  block.write('ustar\0', 257, 'latin1');
  block.write('00', 263, 'latin1');
  if (!special) {
    writeOctal(block, 329, 8, 0);
    writeOctal(block, 337, 8, 0);
  }
  writeString(block, 345, 155, prefix);
  // Checksum: sum of all bytes with the checksum field counted as spaces; 6 digits, NUL, space.
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  writeOctal(block, 148, 7, sum);
  block[155] = 0x20;
  return block;
}

/** Go's formatString: copy what fits, NUL-terminate when shorter, never end on `/` when cut. */
function writeString(block: Buffer, offset: number, size: number, text: string): void {
  const bytes = Buffer.from(text, 'latin1');
  bytes.copy(block, offset, 0, Math.min(size, bytes.length));
  if (bytes.length > size && block[offset + size - 1] === 0x2f) {
    const cut = bytes.subarray(0, size).toString('latin1').replace(/\/+$/, '').length;
    block[offset + cut] = 0;
  }
}

/** Go's formatOctal: zero-padded to the field size minus one, then NUL. */
function writeOctal(block: Buffer, offset: number, size: number, value: number): void {
  const digits = value.toString(8).padStart(size - 1, '0');
  block.write(`${digits}\0`, offset, 'latin1');
}

function paxRecord(key: string, value: string): Buffer {
  const body = ` ${key}=${value}\n`;
  const bodyLength = Buffer.byteLength(body);
  let size = bodyLength + String(bodyLength).length;
  // Adding the length's own digits can make it one digit longer.
  if (String(size).length + bodyLength !== size) size = String(size).length + bodyLength;
  return Buffer.from(`${size}${body}`, 'utf8');
}

function splitLast(name: string): [string, string] {
  const i = name.lastIndexOf('/');
  return i < 0 ? ['', name] : [name.slice(0, i + 1), name.slice(i + 1)];
}

function pad(data: Buffer): Buffer {
  const rest = data.length % BLOCK;
  return rest === 0 ? data : Buffer.concat([data, Buffer.alloc(BLOCK - rest)]);
}

/** Go's tar notion of ASCII: below 0x80 and not NUL. */
const asciiChar = (c: string) => c.codePointAt(0)! < 0x80 && c !== '\0';
const isAscii = (text: string) => [...text].every(asciiChar);
const toAscii = (text: string) => [...text].filter(asciiChar).join('');
