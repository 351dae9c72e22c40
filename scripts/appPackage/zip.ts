import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipEntry {
  /** A plain file name: the entry sits at the archive's root, as Teams wants the package's files. */
  name: string;
  data: Buffer;
}

const STORED = 0;
const DEFLATED = 8;
/** 00:00 on 1 January 1980, the earliest DOS time: with one fixed time, the same files make the same zip. */
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
/** Zip 2.0, the first version with deflate; no zip64, so files stay under 4 GiB (an app package is kilobytes). */
const VERSION = 20;

/** A zip archive (PKWARE APPNOTE 4.3) of the entries, in order, each deflated unless that makes it bigger. */
export function zipFiles(entries: readonly ZipEntry[]): Buffer {
  const records: Buffer[] = [];
  const directory: Buffer[] = [];
  let offset = 0;
  for (const { name, data } of entries) {
    if (!/^[\w.-]+$/.test(name)) throw new Error(`Zip entry names are plain ASCII file names, got "${name}"`);
    const fileName = Buffer.from(name, 'ascii');
    const deflated = deflateRawSync(data, { level: 9 });
    const [method, body] = deflated.length < data.length ? [DEFLATED, deflated] : [STORED, data];
    // The fields the local header and the central directory share, from "version needed" to the name's length.
    const shared: Field[] = [
      [2, VERSION],
      [2, 0], // flags: no encryption, sizes known up front
      [2, method],
      [2, DOS_TIME],
      [2, DOS_DATE],
      [4, crc32(data)],
      [4, body.length],
      [4, data.length],
      [2, fileName.length],
      [2, 0], // extra field length
    ];
    const record = Buffer.concat([littleEndian([[4, 0x04034b50], ...shared]), fileName, body]);
    directory.push(
      Buffer.concat([
        littleEndian([
          [4, 0x02014b50],
          [2, VERSION], // version made by
          ...shared,
          [2, 0], // comment length
          [2, 0], // disk number
          [2, 0], // internal attributes
          [4, 0], // external attributes
          [4, offset],
        ]),
        fileName,
      ]),
    );
    records.push(record);
    offset += record.length;
  }
  const centralDirectory = Buffer.concat(directory);
  const end = littleEndian([
    [4, 0x06054b50],
    [2, 0], // this disk
    [2, 0], // disk where the central directory starts
    [2, entries.length],
    [2, entries.length],
    [4, centralDirectory.length],
    [4, offset],
    [2, 0], // comment length
  ]);
  return Buffer.concat([...records, centralDirectory, end]);
}

/** A header field: its width in bytes and its value. */
type Field = [2 | 4, number];

function littleEndian(fields: readonly Field[]): Buffer {
  const buffer = Buffer.alloc(fields.reduce((length, [width]) => length + width, 0));
  let at = 0;
  for (const [width, value] of fields) {
    at = width === 2 ? buffer.writeUInt16LE(value, at) : buffer.writeUInt32LE(value, at);
  }
  return buffer;
}
