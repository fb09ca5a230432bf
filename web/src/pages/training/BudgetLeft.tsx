// Beside the estimate on the configure page: what the job would leave of this month's budget (nothing when the
// user has no budget), and a warning when the budget's hard stop would refuse it.
import { useQuery } from 'urql';
import { Alert } from '../../components/States';
import { graphql } from '../../gql';
import { formatMoney } from '../../lib/format';

const BudgetLeftQuery = graphql(`
  query BudgetLeft($estimatedCost: Decimal!, $maxCost: Decimal) {
    budget {
      amount
      month
      hardStop
      remaining
      leftAfterJob(estimatedCost: $estimatedCost, maxCost: $maxCost)
    }
  }
`);

export function BudgetLeft({ estimatedCost, maxCost }: { estimatedCost: string; maxCost: string | null }) {
  const [{ data }] = useQuery({ query: BudgetLeftQuery, variables: { estimatedCost, maxCost }, requestPolicy: 'cache-and-network' });
  const budget = data?.budget;
  if (!budget) return null;
  const left = Number(budget.leftAfterJob);
  const text = `This job would leave ${formatMoney(left)} of your ${formatMoney(budget.amount)} budget for ${budget.month} (${formatMoney(budget.remaining)} left now).`;
  if (left >= 0) return <p className="budget-left muted small">{text}</p>;
  return (
    <Alert tone="warning" title={budget.hardStop ? 'Over the monthly budget: it will be refused' : 'Over the monthly budget'}>
      {text}
      {budget.hardStop ? ' Lower the cost, set a cost cap under what is left, or raise the budget on the Costs page.' : ''}
    </Alert>
  );
}
