// Splits a byte stream into lines in bounded memory: lines may span chunks, end in \r\n, or lack a final \n.
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

export interface LineHandler {
  /** A complete line without its line ending; `bytes` is only valid during the call. */
  line(bytes: Uint8Array, lineNumber: number): void;
  /** A line over the byte limit, skipped without being held in memory. */
  tooLong(lineNumber: number): void;
}

export class LineSplitter {
  private lineNumber = 1;
  /** Pieces of the current line that started in earlier chunks. */
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  /** True while skipping the rest of an over-long line. */
  private skipping = false;

  constructor(
    private readonly maxLineBytes: number,
    private readonly handler: LineHandler,
  ) {}

  push(chunk: Uint8Array): void {
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE); end >= 0; end = chunk.indexOf(NEWLINE, start)) {
      this.finishLine(chunk.subarray(start, end));
      start = end + 1;
    }
    if (start < chunk.length) this.keep(chunk.subarray(start));
  }

  /** Call once after the last chunk: hands over a last line that has no newline. */
  end(): void {
    if (this.pendingBytes > 0 || this.skipping) this.finishLine(new Uint8Array(0));
  }

  /** Keeps the start of a line whose end is in a later chunk, copied since producers may reuse buffers. */
  private keep(piece: Uint8Array): void {
    if (this.skipping) return;
    // One byte of slack for a \r that finishLine strips.
    if (this.pendingBytes + piece.length > this.maxLineBytes + 1) {
      this.startSkipping();
      return;
    }
    this.pending.push(piece.slice());
    this.pendingBytes += piece.length;
  }

  private finishLine(tail: Uint8Array): void {
    const lineNumber = this.lineNumber++;
    if (this.skipping) {
      this.skipping = false;
      return;
    }
    let bytes = tail;
    if (this.pendingBytes > 0) {
      bytes = joinPieces([...this.pending, tail], this.pendingBytes + tail.length);
      this.pending = [];
      this.pendingBytes = 0;
    }
    if (bytes.length > 0 && bytes[bytes.length - 1] === CARRIAGE_RETURN) bytes = bytes.subarray(0, bytes.length - 1);
    if (bytes.length > this.maxLineBytes) this.handler.tooLong(lineNumber);
    else this.handler.line(bytes, lineNumber);
  }

  private startSkipping(): void {
    this.pending = [];
    this.pendingBytes = 0;
    this.skipping = true;
    this.handler.tooLong(this.lineNumber);
  }
}

function joinPieces(pieces: Uint8Array[], length: number): Uint8Array {
  const joined = new Uint8Array(length);
  let offset = 0;
  for (const piece of pieces) {
    joined.set(piece, offset);
    offset += piece.length;
  }
  return joined;
}
