// Expected failures of outgoing webhooks, returned as typed errors.

/** A test event or redelivery asked of an endpoint that is disabled: enable it first. */
export class WebhookEndpointDisabledError extends Error {
  override name = 'WebhookEndpointDisabledError';
  constructor() {
    super('The webhook endpoint is disabled: enable it first');
  }
}
