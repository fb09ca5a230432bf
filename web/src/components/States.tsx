// Loading, empty, error and "not yet available" states, the same on every page.
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { CombinedError } from 'urql';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

/** Where an empty state leads: a button-styled link (`primary` for the page's main way on). */
export interface EmptyLink {
  to: string;
  label: string;
  primary?: boolean;
}

/** `heading` 1 where the state is the whole page (not found), so the page still has its heading. */
export function EmptyState({ title, children, action, link, heading = 2 }: { title: string; children?: ReactNode; action?: ReactNode; link?: EmptyLink; heading?: 1 | 2 }) {
  const Title = heading === 1 ? 'h1' : 'h2';
  const next = link ? (
    <Link className={link.primary ? 'button button-primary' : 'button'} to={link.to}>
      {link.label}
    </Link>
  ) : (
    action
  );
  return (
    <div className="state state-empty">
      <Title className="state-title">{title}</Title>
      {children && <div className="state-text">{children}</div>}
      {next && <div className="state-action">{next}</div>}
    </div>
  );
}

/** A network or GraphQL error in plain words, with a way to try again. */
export function errorMessage(error: CombinedError | Error | string): string {
  if (typeof error === 'string') return error;
  if ('networkError' in error && error.networkError) return 'The server could not be reached. Check your connection and try again.';
  if ('graphQLErrors' in error && error.graphQLErrors.length > 0) return error.graphQLErrors.map((e) => e.message).join(' ');
  return error.message;
}

export function ErrorState({ error, retry, title = 'Something went wrong' }: { error: CombinedError | Error | string; retry?: () => void; title?: string }) {
  return (
    <div className="state state-error" role="alert">
      <h2 className="state-title">{title}</h2>
      <p className="state-text">{errorMessage(error)}</p>
      {retry && (
        <button type="button" className="button" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** An inline message for a failed action (a mutation's typed error, an upload refused). */
export function Alert({ tone = 'error', title, children }: { tone?: 'error' | 'info' | 'success' | 'warning'; title?: string; children: ReactNode }) {
  return (
    <div className={`alert alert-${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      {title && <strong className="alert-title">{title}</strong>}
      <div>{children}</div>
    </div>
  );
}

/**
 * A query's states in order: its error (with a retry) until it has data, a spinner until then, the empty state
 * when `isEmpty` says so, then `children` with the data. `quietError`: another part of the page shows the error.
 */
export function QueryStates<T>({
  data,
  error,
  retry,
  loading,
  isEmpty,
  empty,
  quietError = false,
  children,
}: {
  data: T | null | undefined;
  error?: CombinedError | Error | string;
  retry?: () => void;
  loading?: string;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  quietError?: boolean;
  children: (data: T) => ReactNode;
}) {
  if (data == null) {
    if (!error) return <Loading label={loading} />;
    return quietError ? null : <ErrorState error={error} retry={retry} />;
  }
  if (isEmpty?.(data)) return <>{empty}</>;
  return <>{children(data)}</>;
}

export function ComingSoon({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="state state-empty state-soon">
      <span className="soon-tag">Coming soon</span>
      <h2 className="state-title">{title}</h2>
      <div className="state-text">{children}</div>
    </div>
  );
}
