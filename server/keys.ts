// Keys derived from the server secret per use, so a key that leaks from one
// use (e.g. a storage URL signer) cannot sign tokens.
import { createHmac } from 'node:crypto';

export function deriveKey(secret: string, purpose: 'storage-urls'): string {
  return createHmac('sha256', secret).update(`brightrun:${purpose}`).digest('hex');
}
