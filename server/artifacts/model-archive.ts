// One tar archive of every file of a STORED model, for "download all": written to the models bucket the first
// time it is asked for (a stored model's files never change), then signed like any other file.
import { Readable } from 'node:stream';
import type { ArtifactFile, ModelArtifact } from '../db/generated/prisma/client.js';
import { objectFolder, safeFileName, StorageError, type ObjectStorage } from '../storage/index.js';

const BLOCK = 512;
const NAME_BYTES = 100;
const PREFIX_BYTES = 155;

/** The folder every file sits in inside the archive, and the archive's own name: the model's name made safe. */
export function archiveFolderName(model: Pick<ModelArtifact, 'name'>): string {
  try {
    return safeFileName(model.name).slice(0, PREFIX_BYTES);
  } catch (err) {
    if (err instanceof StorageError) return 'model';
    throw err;
  }
}

/** Where the archive lives: a folder of its own beside the model's files, so no provider file name can take its place. */
export function archivePath(model: Pick<ModelArtifact, 'ownerId' | 'id' | 'name'>): string {
  return `${objectFolder(model.ownerId, model.id)}/archive/${archiveFolderName(model)}.tar`;
}

/** The archive's path, written first when it is not stored yet. */
export async function ensureModelArchive(storage: ObjectStorage, model: ModelArtifact & { files: ArtifactFile[] }): Promise<string> {
  const path = archivePath(model);
  if (await storage.stat('models', path)) return path;
  const mtime = Math.floor((model.storedAt ?? model.createdAt).getTime() / 1000);
  await storage.write('models', path, Readable.from(tarEntries(storage, archiveFolderName(model), model.files, mtime)), { contentType: 'application/x-tar' });
  return path;
}

/** A POSIX ustar stream: per file a header block, the bytes, zeros to a whole block; two zero blocks to end. */
async function* tarEntries(storage: ObjectStorage, folder: string, files: ArtifactFile[], mtime: number): AsyncGenerator<Buffer> {
  for (const file of files) {
    const size = Number(file.size);
    yield tarHeader(folder, file.name, size, mtime);
    let read = 0;
    for await (const chunk of await storage.openRead('models', file.storagePath)) {
      read += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
    if (read !== size) throw new Error(`${file.name} has ${read} bytes in storage, ${size} recorded`);
    if (size % BLOCK) yield Buffer.alloc(BLOCK - (size % BLOCK));
  }
  yield Buffer.alloc(2 * BLOCK);
}

function tarHeader(folder: string, name: string, size: number, mtime: number): Buffer {
  const header = Buffer.alloc(BLOCK);
  const write = (offset: number, length: number, value: string) => header.write(value, offset, length, 'utf8');
  const octal = (offset: number, length: number, value: number) => write(offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`);
  write(0, NAME_BYTES, shorten(name));
  octal(100, 8, 0o644);
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, size);
  octal(136, 12, mtime);
  write(148, 8, ' '.repeat(8)); // counted as spaces while the checksum is summed
  write(156, 1, '0');
  write(257, 6, 'ustar\0');
  write(263, 2, '00');
  write(345, PREFIX_BYTES, folder);
  let sum = 0;
  for (const byte of header) sum += byte;
  write(148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return header;
}

/** Stored names are ASCII and at most 120 characters; ustar holds 100: the stem is cut, the extension kept. */
function shorten(name: string): string {
  if (name.length <= NAME_BYTES) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? name.slice(dot) : '';
  return name.slice(0, NAME_BYTES - extension.length) + extension;
}
