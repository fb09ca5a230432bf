// A dataset's stored validation issues as one downloadable file: CSV for a spreadsheet, JSONL for a program.
import type { ValidationIssue } from './validation/index.js';

export type IssueReportFormat = 'CSV' | 'JSONL';

const COLUMNS = ['line', 'severity', 'code', 'path', 'message', 'excerpt'] as const;

/** RFC 4180: quoted when it holds a comma, quote or line break; a leading = + - @ is quoted too, so a spreadsheet never runs it. */
function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]|^[=+\-@\t]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function issueReport(issues: readonly ValidationIssue[], format: IssueReportFormat): string {
  const rows = issues.map((issue) => ({ line: issue.line, severity: issue.severity, code: issue.code, path: issue.path, message: issue.message, excerpt: issue.excerpt ?? '' }));
  if (format === 'JSONL') return rows.map((row) => `${JSON.stringify(row)}\n`).join('');
  return [COLUMNS.join(','), ...rows.map((row) => COLUMNS.map((column) => csvField(row[column])).join(','))].map((line) => `${line}\r\n`).join('');
}
