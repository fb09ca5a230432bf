// Object paths are built by the server only: UUIDs for owner and id, a sanitised basename for the file.
import { describe, expect, it } from 'vitest';
import { contentDisposition, objectPath, pathSegments, safeFileName, StorageError } from '../../../server/storage/index.js';

const owner = '7d0c5a52-3f7e-4a36-9d4b-1c2e3f4a5b6c';
const id = 'A1B2C3D4-E5F6-4789-8ABC-DEF012345678';

describe('objectPath', () => {
  it('joins owner, id and file, lower-casing the UUIDs', () => {
    expect(objectPath(owner, id, 'train.jsonl')).toBe(`${owner}/${id.toLowerCase()}/train.jsonl`);
  });

  it.each(['', 'not-a-uuid', `${owner}/..`, '../7d0c5a52-3f7e-4a36-9d4b-1c2e3f4a5b6c'])('refuses the id %j', (bad) => {
    expect(() => objectPath(bad, id, 'a.jsonl')).toThrow(StorageError);
    expect(() => objectPath(owner, bad, 'a.jsonl')).toThrow(StorageError);
  });

  it.each([
    ['../../etc/passwd', 'passwd'],
    ['..\\..\\windows\\system.ini', 'system.ini'],
    ['C:\\Users\\me\\My Data (final).JSONL', 'My_Data_final.JSONL'],
    ['.env', 'env'],
    ['données été.jsonl', 'donnees_ete.jsonl'],
    ['line\nbreak\u0000nul.json', 'line_break_nul.json'],
    ['a/b/c.tar.gz', 'c.tar.gz'],
    ['model', 'model'],
  ])('sanitises %j to %j', (input, expected) => {
    expect(safeFileName(input)).toBe(expected);
  });

  it('keeps the extension when shortening a long name', () => {
    const name = safeFileName(`${'x'.repeat(500)}.jsonl`);
    expect(name.length).toBe(120);
    expect(name.endsWith('.jsonl')).toBe(true);
  });

  it.each(['', '.', '..', '...', '/', 'a/..', '\\', '???', '-_-'])('refuses the file name %j', (bad) => {
    const error = catchError(() => objectPath(owner, id, bad));
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).code).toBe('INVALID_PATH');
  });
});

describe('pathSegments', () => {
  it('accepts a plain path', () => {
    expect(pathSegments('a/b/c.json')).toEqual(['a', 'b', 'c.json']);
  });

  it.each(['', '/a', 'a/', 'a//b', 'a/./b', 'a/../b', '..', 'a\\b', 'a\u0000b', 'a\nb'])('refuses %j', (bad) => {
    expect(() => pathSegments(bad)).toThrow(StorageError);
  });
});

describe('contentDisposition', () => {
  it('gives an ASCII fallback and the exact UTF-8 name', () => {
    expect(contentDisposition('résumé "v2".jsonl')).toBe(`attachment; filename="r_sum_ _v2_.jsonl"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22v2%22.jsonl`);
  });

  it('cannot break out of the header', () => {
    expect(contentDisposition('a\r\nSet-Cookie: x=1')).not.toMatch(/[\r\n]/);
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}
