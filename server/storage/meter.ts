// A pass-through stream that counts bytes and hashes them, failing as soon as a byte limit is passed.
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { StorageError } from './storage.js';

export class Meter extends Transform {
  size = 0;
  private readonly hash = createHash('sha256');

  constructor(private readonly limit = Infinity) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.limit) {
      done(new StorageError('TOO_LARGE', `more than the ${this.limit} bytes allowed`));
      return;
    }
    this.hash.update(chunk);
    done(null, chunk);
  }

  /** Call once the stream has finished. */
  result(): { size: number; sha256: string } {
    return { size: this.size, sha256: this.hash.digest('hex') };
  }
}
