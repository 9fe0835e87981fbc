// The webhook slice's public face: the outbox projector (and migrations), the deliverer, signatures, the module.
export { WebhookOutboxProjector, webhookMigrations } from './webhook-outbox.projector';
export { WebhookDeliverer } from './webhook-deliverer';
export { DERIVED_EVENT_TYPES, SOURCE_EVENT_TYPES, WEBHOOK_EVENT_TYPES } from './webhook-events';
export type { WebhookPayload } from './webhook-events';
export { isSecret, newSecret, sign, verify } from './signature';
export { WebhooksService } from './webhooks.service';
export { WebhooksModule } from './webhooks.module';
export { WEBHOOK_SECRETS_SEALED } from './webhook-secrets';
