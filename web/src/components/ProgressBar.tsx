// A labelled progress bar; without a value it shows work of unknown length.
export function ProgressBar({ value, label, detail }: { value: number | null; label: string; detail?: string }) {
  const percent = value == null ? null : Math.round(Math.min(1, Math.max(0, value)) * 1000) / 10;
  return (
    <div className="progress">
      <div className="progress-labels">
        <span>{label}</span>
        <span className="progress-detail">{detail ?? (percent == null ? '' : `${percent}%`)}</span>
      </div>
      <div
        className={`progress-track ${percent == null ? 'progress-indeterminate' : ''}`}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent ?? undefined}
      >
        <div className="progress-fill" style={percent == null ? undefined : { width: `${percent}%` }} />
      </div>
    </div>
  );
}
