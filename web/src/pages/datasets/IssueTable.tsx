// Every validation problem, grouped by code: a header per code with its count and meaning, opening to its
// issues a page at a time, each with its line, JSON path, message and the start of the offending line.
// The whole list downloads as CSV or JSONL.
import { useState } from 'react';
import { useClient, useQuery } from 'urql';
import { Segmented } from '../../components/Segmented';
import { Alert } from '../../components/States';
import { graphql } from '../../gql';
import type { IssueReportFormat, ValidationSeverity } from '../../gql/graphql';
import { formatInteger, humanize } from '../../lib/format';
import { readableIssue } from './fragments';

/** Issues shown per page of a group. */
export const ISSUE_PAGE_SIZE = 10;
/** With this many codes or fewer every group starts open; with more, only the first. */
const OPEN_GROUPS = 5;

const DatasetIssuePage = graphql(`
  query DatasetIssuePage($id: ID!, $code: String!, $offset: Int!, $first: Int!) {
    dataset(id: $id) {
      id
      validation {
        issues(code: $code, offset: $offset, first: $first) {
          line
          path
          code
          message
          severity
          excerpt
        }
      }
    }
  }
`);

const DatasetIssueReport = graphql(`
  query DatasetIssueReport($id: ID!, $format: IssueReportFormat!) {
    dataset(id: $id) {
      id
      validation {
        report(format: $format)
      }
    }
  }
`);

interface Group {
  code: string;
  severity: ValidationSeverity;
  meaning: string;
  count: number;
  stored: number;
}

type Severity = 'ALL' | ValidationSeverity;

interface Props {
  datasetId: string;
  fileName: string;
  groups: readonly Group[];
  truncated: boolean;
  errorCount: number;
  warningCount: number;
}

export function IssueTable({ datasetId, fileName, groups, truncated, errorCount, warningCount }: Props) {
  const [severity, setSeverity] = useState<Severity>(errorCount > 0 ? 'ERROR' : 'ALL');
  const [open, setOpen] = useState<ReadonlySet<string>>(() => new Set(groups.length <= OPEN_GROUPS ? groups.map((g) => g.code) : groups.slice(0, 1).map((g) => g.code)));
  const shown = groups.filter((group) => severity === 'ALL' || group.severity === severity);

  const toggle = (code: string) =>
    setOpen((current) => {
      const next = new Set(current);
      if (!next.delete(code)) next.add(code);
      return next;
    });

  const options: { value: Severity; label: string }[] = [
    { value: 'ALL', label: `All (${formatInteger(errorCount + warningCount)})` },
    { value: 'ERROR', label: `Errors (${formatInteger(errorCount)})` },
    { value: 'WARNING', label: `Warnings (${formatInteger(warningCount)})` },
  ];

  return (
    <div className="issues">
      <div className="toolbar">
        <Segmented label="Filter by severity" options={options} value={severity} onChange={setSeverity} />
        <ReportDownload datasetId={datasetId} fileName={fileName} />
      </div>
      {truncated && <p className="muted small">The file has more problems than are stored: each code's count is complete; its list holds the first ones, in line order.</p>}
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
                <th scope="col">Path</th>
                <th scope="col">Problem and line</th>
              </tr>
            </thead>
            {shown.map((group) => (
              <IssueGroup key={group.code} datasetId={datasetId} group={group} open={open.has(group.code)} onToggle={() => toggle(group.code)} />
            ))}
          </table>
        </div>
      )}
    </div>
  );
}

function IssueGroup({ datasetId, group, open, onToggle }: { datasetId: string; group: Group; open: boolean; onToggle(): void }) {
  const [offset, setOffset] = useState(0);
  // A re-check may store a new list under the same code: the cached page is shown while the server's comes.
  const [{ data, fetching, error }] = useQuery({
    query: DatasetIssuePage,
    variables: { id: datasetId, code: group.code, offset, first: ISSUE_PAGE_SIZE },
    pause: !open,
    requestPolicy: 'cache-and-network',
  });
  const issues = data?.dataset?.validation?.issues ?? [];
  const bodyId = `issues-${group.code}`;
  const last = Math.min(offset + ISSUE_PAGE_SIZE, group.stored);

  return (
    <tbody className="issue-group" data-code={group.code} id={bodyId}>
      <tr className="issue-group-header">
        <th scope="rowgroup" colSpan={3}>
          <button type="button" className="issue-group-toggle" aria-expanded={open} aria-controls={bodyId} onClick={onToggle}>
            <span className="issue-group-caret" aria-hidden="true">
              {open ? '▾' : '▸'}
            </span>
            <span className={`count count-${group.severity === 'ERROR' ? 'error' : 'warning'}`}>{humanize(group.severity)}</span>
            <span className="mono">{group.code}</span>
            <span className="chip-count">{formatInteger(group.count)}</span>
            <span className="muted small issue-group-meaning">{group.meaning}</span>
          </button>
        </th>
      </tr>
      {open && error && (
        <tr>
          <td colSpan={3}>
            <Alert>{error.message}</Alert>
          </td>
        </tr>
      )}
      {open &&
        issues.map((issue, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: one page of issues, replaced whole; line and path alone can repeat
          <tr key={`${issue.line}-${issue.path}-${index}`} className="issue-row" data-severity={issue.severity}>
            <td data-label="Line" className="num mono">
              {issue.line > 0 ? issue.line : 'file'}
            </td>
            <td data-label="Path" className="mono">
              {issue.path || '—'}
            </td>
            <td data-label="Problem">
              {readableIssue(issue.message)}
              {issue.excerpt != null && (
                <pre className="issue-excerpt">
                  <code>{issue.excerpt}</code>
                </pre>
              )}
            </td>
          </tr>
        ))}
      {open && group.stored > ISSUE_PAGE_SIZE && (
        <tr className="issue-pager">
          <td colSpan={3}>
            <span className="muted small" role="status">
              {formatInteger(offset + 1)}–{formatInteger(last)} of {formatInteger(group.stored)}
              {group.stored < group.count ? ` stored (${formatInteger(group.count)} in the file)` : ''}
            </span>{' '}
            <button type="button" className="button button-small" disabled={offset === 0 || fetching} onClick={() => setOffset(Math.max(0, offset - ISSUE_PAGE_SIZE))}>
              Previous<span className="visually-hidden"> {group.code} issues</span>
            </button>{' '}
            <button type="button" className="button button-small" disabled={last >= group.stored || fetching} onClick={() => setOffset(offset + ISSUE_PAGE_SIZE)}>
              Next<span className="visually-hidden"> {group.code} issues</span>
            </button>
          </td>
        </tr>
      )}
    </tbody>
  );
}

/** Asks for the stored issues as one file and hands it to the browser as a download. */
function ReportDownload({ datasetId, fileName }: { datasetId: string; fileName: string }) {
  const client = useClient();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const download = async (format: IssueReportFormat) => {
    setBusy(true);
    setProblem(null);
    const result = await client.query(DatasetIssueReport, { id: datasetId, format }, { requestPolicy: 'network-only' }).toPromise();
    setBusy(false);
    const report = result.data?.dataset?.validation?.report;
    if (report == null) return setProblem(result.error?.message ?? 'The report could not be made.');
    const type = format === 'CSV' ? 'text/csv' : 'application/jsonl';
    const url = URL.createObjectURL(new Blob([report], { type }));
    const anchor = document.createElement('a');
    anchor.href = url;
    anchor.download = `${fileName.replace(/\.[^.]*$/, '')}-issues.${format.toLowerCase()}`;
    document.body.append(anchor);
    anchor.click();
    anchor.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  return (
    <div className="issue-report" role="group" aria-label="Download every issue">
      <button type="button" className="button button-small" disabled={busy} onClick={() => void download('CSV')}>
        Download CSV
      </button>
      <button type="button" className="button button-small" disabled={busy} onClick={() => void download('JSONL')}>
        Download JSONL
      </button>
      {problem && <span className="field-error">{problem}</span>}
    </div>
  );
}
