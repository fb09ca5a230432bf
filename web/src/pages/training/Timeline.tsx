// The job's activity, oldest first: status changes, stages, cost cap, cancel requests, errors.
import { Time } from '../../components/Time';
import { humanize } from '../../lib/format';

interface Event {
  createdAt: string;
  type: string;
  message: string;
  toStatus?: string | null;
  stage?: string | null;
}

const TONE: Record<string, string> = { COMPLETED: 'good', FAILED: 'bad', CANCELLED: 'neutral', RUNNING: 'busy' };

export function Timeline({ events }: { events: readonly Event[] }) {
  if (events.length === 0) return <p className="muted">Nothing has happened yet.</p>;
  return (
    <ol className="timeline">
      {events.map((event, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the timeline only grows at the end; two events can share a timestamp
        <li key={`${event.createdAt}-${index}`} className={`timeline-item timeline-${(event.toStatus && TONE[event.toStatus]) ?? 'plain'}`}>
          <span className="timeline-dot" aria-hidden="true" />
          <div className="timeline-body">
            <div className="timeline-message">{event.message}</div>
            <div className="muted small">
              <Time iso={event.createdAt} relative={false} /> · {humanize(event.type)}
            </div>
          </div>
        </li>
      ))}
    </ol>
  );
}
