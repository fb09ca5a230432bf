// Standard Webhooks signing through the reference library (`standardwebhooks`):
// whsec_ secrets, and the webhook-id/-timestamp/-signature headers. During a
// secret's rotation overlap each delivery carries one signature per secret.
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** A new endpoint secret: `whsec_` and 32 random bytes in base64, as Standard Webhooks describes. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

export interface SigningSecrets {
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: Date | null;
}

/** The secrets that sign now: the current one, and the previous one while its overlap lasts. */
export function activeSecrets(endpoint: SigningSecrets, now = new Date()): string[] {
  const previous = endpoint.previousSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now ? [endpoint.previousSecret] : [];
  return [endpoint.secret, ...previous];
}

/** The headers of one delivery of `body`, the event's id being its webhook-id. */
export function signedHeaders(secrets: string[], messageId: string, body: string, now = new Date()): Record<string, string> {
  // The library signs with seconds precision: its timestamp header is that same second.
  const signatures = secrets.map((secret) => new Webhook(secret).sign(messageId, now, body));
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
  };
}
