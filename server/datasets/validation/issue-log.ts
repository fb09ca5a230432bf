// Collects validation issues: every one counted by code, only the first few stored.
import { ISSUE_CODES, type IssueCode } from './codes.js';
import type { ValidationIssue } from './types.js';

const MAX_MESSAGE_LENGTH = 300;
/** Characters of the offending line kept with each stored issue. */
export const EXCERPT_LENGTH = 200;
/** Enough bytes for EXCERPT_LENGTH characters of any UTF-8 text. */
const EXCERPT_BYTES = EXCERPT_LENGTH * 4;
const excerptDecoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** The first EXCERPT_LENGTH characters of a line (invalid UTF-8 shown as U+FFFD), with … when cut. */
export function lineExcerpt(bytes: Uint8Array): string {
  const chars = Array.from(excerptDecoder.decode(bytes.subarray(0, EXCERPT_BYTES + 1)));
  return chars.length > EXCERPT_LENGTH ? `${chars.slice(0, EXCERPT_LENGTH).join('')}…` : chars.join('');
}

export class IssueLog {
  readonly stored: ValidationIssue[] = [];
  readonly countsByCode: Record<string, number> = {};
  errorCount = 0;
  warningCount = 0;
  truncated = false;

  constructor(private readonly limit: number) {}

  /** Records a problem on a line (issues must arrive in line order); the excerpt is read only when the issue is stored. */
  add(line: number, path: string, code: IssueCode, message: string, excerpt?: () => string | null): void {
    const issue = this.count(line, path, code, message);
    if (this.stored.length < this.limit) this.stored.push({ ...issue, excerpt: excerpt?.() ?? null });
    else this.truncated = true;
  }

  /** Records a problem with the whole file: always stored, first, even when the list is full. */
  addFileLevel(code: IssueCode, message: string): void {
    const issue = { ...this.count(0, '$', code, message), excerpt: null };
    if (this.limit === 0) {
      this.truncated = true;
      return;
    }
    if (this.stored.length >= this.limit) {
      this.stored.pop();
      this.truncated = true;
    }
    const firstLineIssue = this.stored.findIndex((stored) => stored.line > 0);
    this.stored.splice(firstLineIssue < 0 ? this.stored.length : firstLineIssue, 0, issue);
  }

  private count(line: number, path: string, code: IssueCode, message: string): ValidationIssue {
    const { severity } = ISSUE_CODES[code];
    if (severity === 'ERROR') this.errorCount++;
    else this.warningCount++;
    this.countsByCode[code] = (this.countsByCode[code] ?? 0) + 1;
    const text = message.length > MAX_MESSAGE_LENGTH ? `${message.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : message;
    return { line, path, code, severity, message: text };
  }
}
