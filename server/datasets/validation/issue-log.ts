// Collects validation issues: every one counted by code, only the first few stored.
import { ISSUE_CODES, type IssueCode } from './codes.js';
import type { ValidationIssue } from './types.js';

const MAX_MESSAGE_LENGTH = 300;

export class IssueLog {
  readonly stored: ValidationIssue[] = [];
  readonly countsByCode: Record<string, number> = {};
  errorCount = 0;
  warningCount = 0;
  truncated = false;

  constructor(private readonly limit: number) {}

  /** Records a problem on a line (issues must arrive in line order). */
  add(line: number, path: string, code: IssueCode, message: string): void {
    const issue = this.count(line, path, code, message);
    if (this.stored.length < this.limit) this.stored.push(issue);
    else this.truncated = true;
  }

  /** Records a problem with the whole file: always stored, first, even when the list is full. */
  addFileLevel(code: IssueCode, message: string): void {
    const issue = this.count(0, '$', code, message);
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
