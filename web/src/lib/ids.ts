// Random ids for idempotency keys; crypto.randomUUID only exists on secure origins, so fall back to getRandomValues.
export function randomId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The GraphQL id for a route parameter: links carry global ids, which pass through unchanged; a database id
 * (a UUID), as in links bookmarked before notifications carried global ids, becomes base64("Type:uuid").
 */
export function globalId(type: string, param: string): string {
  return UUID.test(param) ? btoa(`${type}:${param}`) : param;
}
