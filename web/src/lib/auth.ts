// Who the client acts as: a token pasted on the sign-in page (kept in this browser), else, on an embedded
// server, the local user's token from GET /auth/local. Production servers answer 404 there.
const STORAGE_KEY = 'brightrun.token';

export interface Session {
  token: string;
  /** Known for the embedded local user; otherwise read from `me` later. */
  email: string | null;
  /** 'pasted': the user signed in here and can sign out; 'local': the embedded server's user. */
  source: 'pasted' | 'local';
}

export type SessionLookup = { kind: 'signed-in'; session: Session } | { kind: 'signed-out' } | { kind: 'unreachable'; message: string };

export async function findSession(): Promise<SessionLookup> {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored) return { kind: 'signed-in', session: { token: stored, email: null, source: 'pasted' } };
  let res: Response;
  try {
    res = await fetch('/auth/local', { headers: { accept: 'application/json' } });
  } catch {
    return { kind: 'unreachable', message: 'The server could not be reached. Check that it is running, then try again.' };
  }
  if (res.status === 404) return { kind: 'signed-out' };
  if (!res.ok) return { kind: 'unreachable', message: `The server answered ${res.status} when signing in.` };
  const body = (await res.json()) as { email: string; token: string };
  return { kind: 'signed-in', session: { token: body.token, email: body.email, source: 'local' } };
}

/** Checks a pasted token or API key against the API; resolves to the user's email (or name) when it works. */
export async function checkToken(token: string): Promise<string> {
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ me { id email name } }' }),
  });
  const body = (await res.json().catch(() => null)) as { data?: { me?: { email: string | null; name: string | null; id: string } }; errors?: { message: string }[] } | null;
  const me = body?.data?.me;
  if (!me) throw new Error(body?.errors?.[0]?.message ?? `Sign-in failed (HTTP ${res.status}).`);
  return me.email ?? me.name ?? me.id;
}

export function rememberToken(token: string): void {
  localStorage.setItem(STORAGE_KEY, token);
}

export function forgetToken(): void {
  localStorage.removeItem(STORAGE_KEY);
}
