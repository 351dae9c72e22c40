import { crc32, inflateRawSync } from 'node:zlib';

/**
 * The files of a zip archive by name, read the way unzip tools do, independently of the code that wrote it:
 * from the end-of-central-directory record, through the central directory, to each local header. Each file's
 * CRC-32 and size are checked. Supports stored and deflated entries, without zip64 or encryption.
 */
export function readZip(zip: Buffer): Map<string, Buffer> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error('No end of central directory record');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);

  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`No central directory header at ${at}`);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const compressedSize = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const skip = nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const local = zip.readUInt32LE(at + 42);
    at += 46 + skip;

    if (zip.readUInt32LE(local) !== 0x04034b50) throw new Error(`No local header for ${name}`);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const body = zip.subarray(start, start + compressedSize);
    const data = method === 0 ? body : method === 8 ? inflateRawSync(body) : undefined;
    if (!data) throw new Error(`${name}: compression method ${method} is not supported`);
    if (data.length !== size || crc32(data) !== crc)
      throw new Error(`${name}: size or CRC-32 does not match`);
    files.set(name, data);
  }
  return files;
}
