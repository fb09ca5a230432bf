// JWTs with jose: the server's own HS256 tokens (embedded sign-in and per-job
// GPU callback tokens) and identity-provider tokens checked against a JWKS.
import { createLocalJWKSet, createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyOptions, type RemoteJWKSet } from 'jose';
import type { Counter } from 'prom-client';
import type { Logger } from '../log.js';
import { AuthenticationError } from './errors.js';

export const LOCAL_ISSUER = 'brightrun-local';
export const API_AUDIENCE = 'brightrun-api';
export const CALLBACK_AUDIENCE = 'brightrun-gpu-callback';

export interface VerifiedIdentity {
  /** "<issuer>|<sub>": unique across identity providers. */
  subject: string;
  email: string | null;
  name: string | null;
  /** When the token was issued (its iat, ms since the epoch), if it says. */
  issuedAt: number | null;
  /** When the token stops being valid (ms since the epoch). */
  expiresAt: number;
}

export interface TokenVerifierOptions {
  secret: string;
  jwks: { url: string; issuer: string | undefined; audience: string | undefined; algorithms: string[] } | null;
  clockToleranceSeconds: number;
  /** Where identity-provider failures and unknown signing keys are logged (errors repeat per request: limit them). */
  log: Logger;
  /** Counts every refused token by its reason. */
  refusals: Counter<'reason'>;
  /** Key set timings; tests shorten them. */
  keySet?: { maxAgeMs: number; staleForMs: number };
}

/**
 * The key set is fetched again after 10 minutes (jose's default). If the provider cannot be reached then, the
 * last set it gave keeps verifying tokens signed with its keys for up to a day, so a provider outage does not
 * sign every user out; a token with a key that set lacks is still refused.
 */
const KEY_SET = { maxAgeMs: 10 * 60_000, staleForMs: 24 * 60 * 60_000 };

/**
 * jose fetches the key set again for a token whose `kid` it lacks, but at most once per cooldown (30 s by
 * default): a key the provider rotated in just after our last fetch would be refused for that long. A few
 * seconds is still at most one fetch per interval, however many such tokens arrive.
 */
const KEY_SET_REFETCH_COOLDOWN_MS = 5_000;

function secretKey(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

function toAuthError(err: unknown): AuthenticationError {
  if (err instanceof errors.JWTExpired) return new AuthenticationError('TOKEN_EXPIRED', 'The token has expired. Sign in again.');
  return new AuthenticationError('TOKEN_INVALID', 'The token is not valid.');
}

/**
 * The key set could not be had: no answer or a timeout, not HTTP 200, not JSON, not a key set (jose's
 * generic JOSEError is thrown only there), or a key in it jose cannot use. A refused token is a JOSE error.
 */
function keySetUnavailable(err: unknown): boolean {
  return !(err instanceof errors.JOSEError) || err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid || err.code === 'ERR_JOSE_GENERIC';
}

/** A token refused in identity-provider mode, with the reason the client gets; what is not the token's fault is logged. */
function toProviderAuthError(err: unknown, token: string, log: Logger): AuthenticationError {
  if (err instanceof errors.JWKSNoMatchingKey) {
    log.warn('token signed with a key the identity provider does not list', { err, kid: decodeProtectedHeader(token).kid });
    return new AuthenticationError(
      'SIGNING_KEY_UNKNOWN',
      'The token is signed with a key the identity provider does not list yet. If it rotated its keys just now, retry in a few seconds.',
    );
  }
  if (keySetUnavailable(err)) {
    log.error('identity provider unavailable', { err });
    return new AuthenticationError('IDENTITY_PROVIDER_UNAVAILABLE', 'The identity provider could not be reached to check the token. Retry shortly.');
  }
  return toAuthError(err);
}

/** Signs a token for a local user (embedded mode only). */
export async function signLocalUserToken(secret: string, user: { sub: string; email: string }, expiresIn = '30d'): Promise<string> {
  return new SignJWT({ email: user.email })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(LOCAL_ISSUER)
    .setAudience(API_AUDIENCE)
    .setSubject(user.sub)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(secretKey(secret));
}

export function createTokenVerifier(options: TokenVerifierOptions): (token: string) => Promise<VerifiedIdentity> {
  const keySet = options.keySet ?? KEY_SET;
  let remote: RemoteJWKSet | null = null;
  /** When the remote set was last seen fresh: its keys serve as a fallback for `staleForMs` after. */
  let lastFreshAt = 0;
  const verifyWithProvider = async (token: string, checks: JWTVerifyOptions): Promise<JWTPayload> => {
    remote ??= createRemoteJWKSet(new URL(options.jwks!.url), { cooldownDuration: KEY_SET_REFETCH_COOLDOWN_MS, cacheMaxAge: keySet.maxAgeMs });
    try {
      const { payload } = await jwtVerify(token, remote, checks);
      if (remote.fresh) lastFreshAt = Date.now();
      return payload;
    } catch (err) {
      const lastSet = remote.jwks();
      if (!keySetUnavailable(err) || !lastSet || Date.now() - lastFreshAt > keySet.staleForMs) throw err;
      try {
        const { payload } = await jwtVerify(token, createLocalJWKSet(lastSet), checks);
        options.log.warn('identity provider unavailable: token verified with its last key set', { err });
        return payload;
      } catch (fallbackErr) {
        // A key the last set lacks may be one the provider rotated in: say the provider is unavailable.
        throw fallbackErr instanceof errors.JWKSNoMatchingKey ? err : fallbackErr;
      }
    }
  };
  const verify = async (token: string): Promise<VerifiedIdentity> => {
    let payload: JWTPayload;
    try {
      if (options.jwks) {
        payload = await verifyWithProvider(token, {
          issuer: options.jwks.issuer,
          audience: options.jwks.audience,
          algorithms: options.jwks.algorithms,
          clockTolerance: options.clockToleranceSeconds,
          // jose checks exp only when present: a token without one would never expire.
          requiredClaims: ['exp'],
        });
      } else {
        ({ payload } = await jwtVerify(token, secretKey(options.secret), {
          issuer: LOCAL_ISSUER,
          audience: API_AUDIENCE,
          algorithms: ['HS256'],
          clockTolerance: options.clockToleranceSeconds,
          requiredClaims: ['exp'],
        }));
      }
    } catch (err) {
      throw options.jwks ? toProviderAuthError(err, token, options.log) : toAuthError(err);
    }
    if (!payload.sub || !payload.iss) throw new AuthenticationError('TOKEN_INVALID', 'The token has no subject.');
    return {
      subject: `${payload.iss}|${payload.sub}`,
      email: typeof payload.email === 'string' ? payload.email : null,
      name: typeof payload.name === 'string' ? payload.name : null,
      issuedAt: typeof payload.iat === 'number' ? payload.iat * 1000 : null,
      expiresAt: payload.exp! * 1000,
    };
  };
  return async (token) => {
    try {
      return await verify(token);
    } catch (err) {
      if (err instanceof AuthenticationError) options.refusals.inc({ reason: err.reason });
      throw err;
    }
  };
}

/** A token the GPU provider sends back with each callback: scoped to one job, with an expiry. */
export async function signCallbackToken(secret: string, jobId: string, expiresInSeconds: number): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(LOCAL_ISSUER)
    .setAudience(CALLBACK_AUDIENCE)
    .setSubject(jobId)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + expiresInSeconds)
    .sign(secretKey(secret));
}

/** Verified callback tokens: a job's stream of callbacks pays for the signature check once. */
const verifiedCallbackTokens = new Map<string, { secret: string; jobId: string; expiresAt: number }>();
const VERIFIED_CALLBACK_TOKENS_KEPT = 10_000;

/** Returns the job id the callback token was issued for. */
export async function verifyCallbackToken(secret: string, token: string): Promise<string> {
  const known = verifiedCallbackTokens.get(token);
  if (known && known.secret === secret && Date.now() < known.expiresAt) return known.jobId;
  try {
    const { payload } = await jwtVerify(token, secretKey(secret), {
      issuer: LOCAL_ISSUER,
      audience: CALLBACK_AUDIENCE,
      algorithms: ['HS256'],
      requiredClaims: ['exp'],
    });
    if (!payload.sub) throw new Error('no subject');
    if (verifiedCallbackTokens.size >= VERIFIED_CALLBACK_TOKENS_KEPT) verifiedCallbackTokens.delete(verifiedCallbackTokens.keys().next().value!);
    verifiedCallbackTokens.set(token, { secret, jobId: payload.sub, expiresAt: payload.exp! * 1000 });
    return payload.sub;
  } catch (err) {
    throw toAuthError(err);
  }
}
