// The cost estimate of a run: cost with its range, duration, steps, throughput and the cost lines.
import { Facts } from '../../components/Card';
import { graphql } from '../../gql';
import type { EstimateDetailsFragment } from '../../gql/graphql';
import { formatCompact, formatDuration, formatInteger, formatMoney } from '../../lib/format';

graphql(`
  fragment EstimateDetails on TrainingEstimate {
    costUsd
    durationSeconds
    computeSeconds
    startupOverheadSeconds
    steps
    tokensToTrain
    throughputTokensPerSecond
    throughputSource
    calibrationRuns
    hourlyRateUsd
    low {
      costUsd
      durationSeconds
    }
    high {
      costUsd
      durationSeconds
    }
    breakdown {
      item
      seconds
      costUsd
    }
  }
`);

const LINE_LABELS: Record<string, string> = { STARTUP: 'Start-up', COMPUTE: 'Training compute' };

export function EstimateSummary({ estimate }: { estimate: EstimateDetailsFragment }) {
  return (
    <div className="estimate">
      <div className="estimate-cost">
        <span className="estimate-amount">{formatMoney(estimate.costUsd)}</span>
        <span className="muted">
          {formatMoney(estimate.low.costUsd)} – {formatMoney(estimate.high.costUsd)}
        </span>
      </div>
      <Facts
        items={[
          ['Duration', `about ${formatDuration(estimate.durationSeconds)}`],
          ['Steps', formatInteger(estimate.steps)],
          ['Tokens to train', formatCompact(estimate.tokensToTrain)],
          [
            'Throughput',
            `${formatCompact(estimate.throughputTokensPerSecond)} tokens/s · ${
              estimate.throughputSource === 'CALIBRATED' ? `measured on your last ${estimate.calibrationRuns === 1 ? 'run' : `${estimate.calibrationRuns} runs`}` : 'catalog figure'
            }`,
          ],
          ['Rate', `${formatMoney(estimate.hourlyRateUsd)} per GPU-hour`],
        ]}
      />
      <table className="cost-lines">
        <tbody>
          {estimate.breakdown.map((line) => (
            <tr key={line.item}>
              <th scope="row">{LINE_LABELS[line.item] ?? line.item}</th>
              <td>{formatDuration(line.seconds)}</td>
              <td className="num">{formatMoney(line.costUsd)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
