// Catches what a page throws while rendering, its code failing to load included, so the frame stays and
// the user gets a message and a way on instead of a blank page.
import { Component, type ErrorInfo, type ReactNode } from 'react';

/** A page's code could not be fetched: the server is restarting, or a new deploy replaced the file. */
export class PageLoadError extends Error {
  constructor(cause: unknown) {
    super('The code of this page could not be loaded.', { cause });
    this.name = 'PageLoadError';
  }
}

interface Props {
  children: ReactNode;
  /** A new value (the next page's path) clears the error. */
  resetKey?: string;
}

interface State {
  error: Error | null;
}

export class ErrorBoundary extends Component<Props, State> {
  state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  componentDidCatch(error: Error, info: ErrorInfo) {
    console.error('A page failed:', error, info.componentStack);
  }

  componentDidUpdate(previous: Props) {
    if (previous.resetKey !== this.props.resetKey && this.state.error) this.setState({ error: null });
  }

  render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    const failedToLoad = error instanceof PageLoadError;
    // Retry renders the page again (a page whose code failed loads it anew); a reload also fetches a new deploy's files.
    return (
      <div className="state state-error" role="alert">
        <h2 className="state-title">{failedToLoad ? 'This page could not be loaded' : 'Something went wrong on this page'}</h2>
        <p className="state-text">
          {failedToLoad
            ? 'The server may be restarting, or a new version was just released. Try again in a moment.'
            : `${error.message || 'An unexpected error.'} Try again, or reload the page.`}
        </p>
        <div className="state-action">
          <button type="button" className="button button-primary" onClick={() => this.setState({ error: null })}>
            Retry
          </button>
          <button type="button" className="button" onClick={() => window.location.reload()}>
            Reload page
          </button>
        </div>
      </div>
    );
  }
}
