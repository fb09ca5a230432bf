// Any URL the client does not know.
import { Link } from 'react-router';
import { EmptyState } from '../components/States';
import { useTitle } from '../lib/hooks';

export function NotFoundPage() {
  useTitle('Not found');
  return (
    <EmptyState
      heading={1}
      title="There is nothing at this address"
      action={
        <Link className="button" to="/datasets">
          Go to datasets
        </Link>
      }
    >
      The page may have moved, or the link is incomplete.
    </EmptyState>
  );
}
