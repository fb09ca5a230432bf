// Every validation problem with its line, JSON path, code and message, filterable by severity and code.
import { useMemo, useState } from 'react';
import { formatInteger, humanize } from '../../lib/format';
import { readableIssue } from './fragments';

interface Issue {
  line: number;
  path: string;
  code: string;
  message: string;
  severity: 'ERROR' | 'WARNING';
}

type Severity = 'ALL' | 'ERROR' | 'WARNING';

interface Props {
  issues: readonly Issue[];
  countsByCode: readonly { code: string; count: number }[];
  truncated: boolean;
  errorCount: number;
  warningCount: number;
}

export function IssueTable({ issues, countsByCode, truncated, errorCount, warningCount }: Props) {
  const [severity, setSeverity] = useState<Severity>(errorCount > 0 ? 'ERROR' : 'ALL');
  const [code, setCode] = useState<string | null>(null);
  const severityOf = useMemo(() => new Map(issues.map((issue) => [issue.code, issue.severity])), [issues]);
  const shown = issues.filter((issue) => (severity === 'ALL' || issue.severity === severity) && (!code || issue.code === code));

  const options: { value: Severity; label: string }[] = [
    { value: 'ALL', label: `All (${formatInteger(errorCount + warningCount)})` },
    { value: 'ERROR', label: `Errors (${formatInteger(errorCount)})` },
    { value: 'WARNING', label: `Warnings (${formatInteger(warningCount)})` },
  ];

  return (
    <div className="issues">
      <div className="toolbar">
        <div className="segmented" role="group" aria-label="Filter by severity">
          {options.map((option) => (
            <button key={option.value} type="button" className="segment" aria-pressed={severity === option.value} onClick={() => setSeverity(option.value)}>
              {option.label}
            </button>
          ))}
        </div>
      </div>
      {countsByCode.length > 0 && (
        <div className="code-chips" role="group" aria-label="Filter by problem code">
          {countsByCode.map((entry) => (
            <button
              key={entry.code}
              type="button"
              className={`chip chip-${severityOf.get(entry.code)?.toLowerCase() ?? 'neutral'}`}
              aria-pressed={code === entry.code}
              onClick={() => setCode(code === entry.code ? null : entry.code)}
              title={humanize(entry.code)}
            >
              <span className="mono">{entry.code}</span> <span className="chip-count">{formatInteger(entry.count)}</span>
            </button>
          ))}
        </div>
      )}
      {truncated && (
        <p className="muted small">
          The file has more problems than are stored: the counts above are complete; the list below shows the first {formatInteger(issues.length)}.
        </p>
      )}
      {shown.length === 0 ? (
        <p className="muted">No problems of this kind.</p>
      ) : (
        <div className="table-wrap">
          <table className="table table-cards issue-table">
            <thead>
              <tr>
                <th scope="col" className="num">
                  Line
                </th>
                <th scope="col">Severity</th>
                <th scope="col">Code</th>
                <th scope="col">Path</th>
                <th scope="col">Message</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((issue, index) => (
                <tr key={`${issue.line}-${issue.code}-${index}`} data-severity={issue.severity}>
                  <td data-label="Line" className="num mono">
                    {issue.line > 0 ? issue.line : 'file'}
                  </td>
                  <td data-label="Severity">
                    <span className={`count count-${issue.severity === 'ERROR' ? 'error' : 'warning'}`}>{humanize(issue.severity)}</span>
                  </td>
                  <td data-label="Code" className="mono">
                    {issue.code}
                  </td>
                  <td data-label="Path" className="mono">
                    {issue.path || '—'}
                  </td>
                  <td data-label="Message">{readableIssue(issue.message)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
