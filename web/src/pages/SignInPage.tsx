// Sign-in for servers with an identity provider: paste a token from it, or an API key.
import { useState, type FormEvent } from 'react';
import { Field } from '../components/Field';
import { Alert } from '../components/States';
import { checkToken } from '../lib/auth';
import { useTitle } from '../lib/hooks';

export function SignInPage({ onSignedIn }: { onSignedIn(token: string): void }) {
  useTitle('Sign in');
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const value = token.trim().replace(/^Bearer\s+/i, '');
    if (!value) return setError('Paste a token or an API key.');
    setChecking(true);
    setError(null);
    try {
      await checkToken(value);
      onSignedIn(value);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setChecking(false);
    }
  }

  return (
    <main className="sign-in">
      <form className="panel sign-in-card" onSubmit={submit}>
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden="true" />
          BrightRun
        </div>
        <h1>Sign in</h1>
        <p className="muted">Paste an access token from your identity provider, or an API key (it starts with the key prefix shown in Settings).</p>
        <Field label="Token or API key" error={error}>
          <textarea value={token} onChange={(e) => setToken(e.target.value)} rows={4} spellCheck={false} autoComplete="off" required />
        </Field>
        <button type="submit" className="button button-primary" disabled={checking}>
          {checking ? 'Checking…' : 'Sign in'}
        </button>
        <Alert tone="info">The token is kept in this browser only, until you sign out.</Alert>
      </form>
    </main>
  );
}
