// Picking runs to compare from a list: a checkbox per row and a "Compare" button that opens
// /compare?ids=… once 2 to 5 runs are picked. The jobs list and the models list share it.
import { useState } from 'react';
import { Link } from 'react-router';

export const MIN_COMPARED = 2;
export const MAX_COMPARED = 5;

export function compareUrl(jobIds: readonly string[]): string {
  return `/compare?ids=${jobIds.map(encodeURIComponent).join(',')}`;
}

export function useCompareSelection() {
  const [picked, setPicked] = useState<string[]>([]);
  const toggle = (jobId: string) => setPicked((ids) => (ids.includes(jobId) ? ids.filter((id) => id !== jobId) : [...ids, jobId]));
  return { picked, toggle, clear: () => setPicked([]) };
}

type Selection = ReturnType<typeof useCompareSelection>;

export function CompareCheckbox({ selection, jobId, name }: { selection: Selection; jobId: string; name: string }) {
  const checked = selection.picked.includes(jobId);
  return (
    <input
      type="checkbox"
      aria-label={`Compare ${name}`}
      checked={checked}
      disabled={!checked && selection.picked.length >= MAX_COMPARED}
      onChange={() => selection.toggle(jobId)}
    />
  );
}

export function CompareButton({ selection }: { selection: Selection }) {
  const n = selection.picked.length;
  const ready = n >= MIN_COMPARED && n <= MAX_COMPARED;
  return ready ? (
    <Link className="button" to={compareUrl(selection.picked)}>
      Compare {n} runs
    </Link>
  ) : (
    <span className="muted small" role="status">
      {n === 0 ? `Tick ${MIN_COMPARED}–${MAX_COMPARED} runs to compare them.` : `Tick ${MIN_COMPARED - n} more to compare.`}
    </span>
  );
}
