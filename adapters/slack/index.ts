// The Slack surface: Bolt in HTTP or Socket Mode in front of the command core, Block Kit
// rendering of the platform-neutral Reply, and the Slack Notifier.

export { startSlackSurface } from './app';
export type { SlackRoute, SlackSurface, SlackSurfaceOptions } from './app';
export { renderMessage, renderMessageDetailed, ACTION_ID_PREFIX } from './render-blocks';
export type { RenderedMessage } from './render-blocks';
export { renderModal, FORM_CALLBACK_PREFIX } from './render-modal';
export { readFormValues, encodeFormMetadata, decodeFormMetadata } from './read-form';
export { SlackNotifier } from './notifier';
export type { SlackNotifierOptions } from './notifier';
export type { SurfaceLogger } from './logger';
export type { SeenRequests } from './dedupe';
export { MemorySeenRequests } from './dedupe';
export { silentLogger } from './logger';
export { DEFAULT_RETRY_CONFIG } from './web';
export type { RetryConfig } from './web';
