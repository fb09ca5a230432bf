import { EmptyState } from '../components/States';
import { useTitle } from '../lib/hooks';

export function NotFoundPage() {
  useTitle('Not found');
  return (
    <EmptyState heading={1} title="There is nothing at this address" link={{ to: '/datasets', label: 'Go to datasets' }}>
      The page may have moved, or the link is incomplete.
    </EmptyState>
  );
}
