// The catalogue of outgoing webhook event types: the one list the API, the
// emitters and the docs agree on.

export const WEBHOOK_EVENT_TYPES = {
  'dataset.ready': 'A dataset passed validation and can be trained on.',
  'dataset.invalid': 'A dataset failed validation; data.errorCount says how many problems.',
  'training_job.started': 'A training job started running at the GPU provider.',
  'training_job.completed': 'A training job finished; its model is stored next (model.stored).',
  'training_job.failed': 'A training job failed; data.errorCode and data.errorMessage say why.',
  'training_job.cancelled': 'A training job was cancelled (by its owner, or at its cost cap).',
  'training_job.cost_cap_reached': 'A training job reached its cost cap and is being stopped.',
  'model.stored': "A trained model's files are stored and can be downloaded.",
  'webhook.test': 'Sent by sendWebhookTestEvent to one endpoint, whatever its event types.',
} as const;

export type WebhookEventType = keyof typeof WEBHOOK_EVENT_TYPES;

export const webhookEventTypes = Object.keys(WEBHOOK_EVENT_TYPES) as WebhookEventType[];

/** The types an endpoint may subscribe to: every one but the test event, which goes only where it is asked to. */
export const subscribableEventTypes = webhookEventTypes.filter((t) => t !== 'webhook.test');

export function isWebhookEventType(value: string): value is WebhookEventType {
  return Object.hasOwn(WEBHOOK_EVENT_TYPES, value);
}
