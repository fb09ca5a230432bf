// Cost so far against the estimate and the cap: one bar, with the estimate and the cap marked on it.
import { formatMoney } from '../../lib/format';

interface Props {
  current: string;
  estimate: string;
  cap: string | null | undefined;
  final: string | null | undefined;
}

export function CostMeter({ current, estimate, cap, final }: Props) {
  const spent = Number(final ?? current);
  const estimated = Number(estimate);
  const capped = cap ? Number(cap) : null;
  const scale = Math.max(spent, estimated, capped ?? 0) * 1.08 || 1;
  const at = (value: number) => `${Math.min(100, (value / scale) * 100)}%`;
  const over = capped != null && spent >= capped;
  return (
    <div className="cost-meter">
      <div className="cost-meter-figures">
        <div>
          <div className="cost-meter-amount">{formatMoney(spent)}</div>
          <div className="muted small">{final ? 'final cost' : 'cost so far'}</div>
        </div>
        <div className="cost-meter-refs small">
          <span>
            <span className="marker marker-estimate" aria-hidden="true" /> estimate {formatMoney(estimated)}
          </span>
          {capped != null && (
            <span>
              <span className="marker marker-cap" aria-hidden="true" /> cap {formatMoney(capped)}
            </span>
          )}
        </div>
      </div>
      <div
        className="cost-meter-track"
        role="meter"
        aria-label="Cost so far"
        aria-valuemin={0}
        aria-valuemax={capped ?? estimated}
        aria-valuenow={spent}
        aria-valuetext={`${formatMoney(spent)} of ${capped != null ? `a ${formatMoney(capped)} cap` : `an estimated ${formatMoney(estimated)}`}`}
      >
        <div className={`cost-meter-fill ${over ? 'cost-meter-over' : ''}`} style={{ width: at(spent) }} />
        <div className="cost-meter-mark marker-estimate" style={{ left: at(estimated) }} />
        {capped != null && <div className="cost-meter-mark marker-cap" style={{ left: at(capped) }} />}
      </div>
    </div>
  );
}
