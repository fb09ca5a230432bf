// One badge for every status in the product (datasets, jobs, artifacts), coloured by what it means.
import { humanize } from '../lib/format';

type Tone = 'good' | 'bad' | 'busy' | 'waiting' | 'neutral';

const TONES: Record<string, Tone> = {
  READY: 'good',
  COMPLETED: 'good',
  STORED: 'good',
  INVALID: 'bad',
  FAILED: 'bad',
  VALIDATING: 'busy',
  RUNNING: 'busy',
  INITIALIZING: 'busy',
  UPLOADING: 'waiting',
  QUEUED: 'waiting',
  PENDING: 'waiting',
  CANCELLED: 'neutral',
};

export function StatusBadge({ status, label }: { status: string; label?: string }) {
  const tone = TONES[status] ?? 'neutral';
  return (
    <span className={`badge badge-${tone}`} data-status={status}>
      {(tone === 'busy' || tone === 'waiting') && <span className="badge-dot" aria-hidden="true" />}
      {label ?? humanize(status)}
    </span>
  );
}
