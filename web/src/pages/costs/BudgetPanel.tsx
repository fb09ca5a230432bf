// The monthly budget on /costs: this month's spend against it, the projection from active jobs, the alert
// thresholds (reached or not), and a form to set, change or remove it.
import { useEffect, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { Panel, StatCard, StatGrid } from '../../components/Card';
import { Field, problemsByPath } from '../../components/Field';
import { ProgressBar } from '../../components/ProgressBar';
import { ErrorState, Loading } from '../../components/States';
import { Time } from '../../components/Time';
import { graphql } from '../../gql';
import { formatMoney } from '../../lib/format';

const BudgetQuery = graphql(`
  query Budget {
    budget {
      amount
      hardStop
      timeZone
      month
      spent
      committed
      projected
      remaining
      thresholds {
        percent
        amount
        reachedAt
      }
    }
  }
`);

const SetBudget = graphql(`
  mutation SetBudget($input: SetBudgetInput!) {
    setBudget(input: $input) {
      __typename
      ... on SetBudgetPayload {
        budget {
          amount
        }
      }
      ... on InvalidInputError {
        ...InvalidInputProblems
      }
    }
  }
`);

const RemoveBudget = graphql(`
  mutation RemoveBudget {
    removeBudget {
      removed
    }
  }
`);

/** Time zones the browser knows, for the field's suggestions. */
const TIME_ZONES = typeof Intl.supportedValuesOf === 'function' ? ['UTC', ...Intl.supportedValuesOf('timeZone')] : ['UTC'];

export function BudgetPanel() {
  // Read afresh on each visit: the spend moves while jobs run.
  const [{ data, error }, reload] = useQuery({ query: BudgetQuery, requestPolicy: 'cache-and-network' });
  const [saving, setBudget] = useMutation(SetBudget);
  const [, removeBudget] = useMutation(RemoveBudget);
  const budget = data?.budget;
  const [form, setForm] = useState({ amount: '', hardStop: false, timeZone: 'UTC' });
  const [problems, setProblems] = useState<Record<string, string>>({});

  // biome-ignore lint/correctness/useExhaustiveDependencies: refill the form when the saved values change, not on every refetch of the same budget
  useEffect(() => {
    if (budget) setForm({ amount: String(Number(budget.amount)), hardStop: budget.hardStop, timeZone: budget.timeZone });
  }, [budget?.amount, budget?.hardStop, budget?.timeZone]);

  async function save(event: FormEvent) {
    event.preventDefault();
    const result = await setBudget({ input: { amountUsd: form.amount.trim() || '0', hardStop: form.hardStop, timeZone: form.timeZone.trim() } });
    const answer = result.data?.setBudget;
    setProblems(answer?.__typename === 'InvalidInputError' ? problemsByPath(answer.problems) : {});
    if (answer?.__typename === 'SetBudgetPayload') reload({ requestPolicy: 'network-only' });
  }

  async function remove() {
    await removeBudget({});
    setForm({ amount: '', hardStop: false, timeZone: 'UTC' });
    reload({ requestPolicy: 'network-only' });
  }

  if (error && !data) return <ErrorState error={error} retry={() => reload({ requestPolicy: 'network-only' })} />;
  if (!data) return <Loading label="Reading the budget…" />;
  const spentShare = budget ? Number(budget.spent) / Number(budget.amount) : 0;

  return (
    <Panel title="Monthly budget" className="budget-panel">
      {budget ? (
        <>
          <StatGrid>
            <StatCard
              label={`Spent in ${budget.month}`}
              value={formatMoney(budget.spent)}
              hint={`of ${formatMoney(budget.amount)}`}
              tone={spentShare >= 1 ? 'bad' : spentShare >= 0.8 ? 'warning' : undefined}
            />
            <StatCard label="Projected this month" value={formatMoney(budget.projected)} hint={`${formatMoney(budget.committed)} more expected from active jobs`} />
            <StatCard label="Left for new jobs" value={formatMoney(budget.remaining)} tone={Number(budget.remaining) <= 0 ? 'bad' : undefined} />
          </StatGrid>
          <ProgressBar value={spentShare} label="Month to date" detail={`${Math.round(spentShare * 100)}% of the budget`} />
          <ul className="budget-thresholds" aria-label="Alert thresholds">
            {budget.thresholds.map((h) => (
              <li key={h.percent} className={h.reachedAt ? 'reached' : undefined}>
                <strong>{h.percent}%</strong> at {formatMoney(h.amount)}:{' '}
                {h.reachedAt ? (
                  <>
                    alerted <Time iso={h.reachedAt} />
                  </>
                ) : (
                  'not reached'
                )}
              </li>
            ))}
          </ul>
          <p className="muted small">
            Months run in {budget.timeZone}.{' '}
            {budget.hardStop ? 'Hard stop on: jobs that could cross the budget are refused, and active jobs stop when it is reached.' : 'Hard stop off: alerts only.'}
          </p>
        </>
      ) : (
        <p className="muted">No budget. Set one to be alerted at 50%, 80% and 100% of it each month, and optionally to stop spending there.</p>
      )}
      <form className="budget-form" onSubmit={save} noValidate>
        <Field label="Budget per month (USD)" error={problems.amountUsd}>
          <input type="text" inputMode="decimal" value={form.amount} onChange={(e) => setForm({ ...form, amount: e.target.value })} placeholder="500" />
        </Field>
        <Field label="Time zone" hint="Months start at midnight here." error={problems.timeZone}>
          <input type="text" list="budget-time-zones" value={form.timeZone} onChange={(e) => setForm({ ...form, timeZone: e.target.value })} />
        </Field>
        <datalist id="budget-time-zones">
          {TIME_ZONES.map((zone) => (
            <option key={zone} value={zone} />
          ))}
        </datalist>
        <label className="check-field">
          <input type="checkbox" checked={form.hardStop} onChange={(e) => setForm({ ...form, hardStop: e.target.checked })} />
          Hard stop: refuse jobs that could cross it and stop running jobs when it is reached
        </label>
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={saving.fetching}>
            {budget ? 'Update budget' : 'Set budget'}
          </button>
          {budget && (
            <button type="button" className="button button-ghost-danger" onClick={remove}>
              Remove budget
            </button>
          )}
        </div>
      </form>
    </Panel>
  );
}
