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

/**
 * The GraphQL id of the object a route names, or null when the parameter cannot name one of this type (a
 * mistyped or cut link): the page then says "not found" rather than passing on the API's complaint about the id.
 */
export function routeId(type: string, param: string | undefined): string | null {
  const id = globalId(type, param ?? '');
  try {
    const decoded = atob(id);
    return decoded.startsWith(`${type}:`) && UUID.test(decoded.slice(type.length + 1)) ? id : null;
  } catch {
    return null;
  }
}
