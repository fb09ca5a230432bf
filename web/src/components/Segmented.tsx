// A row of toggle buttons that picks one option (a list's filter, a date range), pressed where it is chosen.
export interface SegmentOption<Value> {
  value: Value;
  label: string;
}

export function Segmented<Value>({ label, options, value, onChange }: { label: string; options: readonly SegmentOption<Value>[]; value: Value; onChange(value: Value): void }) {
  return (
    <div className="segmented" role="group" aria-label={label}>
      {options.map((option) => (
        <button key={option.label} type="button" className="segment" aria-pressed={option.value === value} onClick={() => onChange(option.value)}>
          {option.label}
        </button>
      ))}
    </div>
  );
}
