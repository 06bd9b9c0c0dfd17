// The DingTalk surface: a robot in Stream Mode (dingtalk-stream) in front of the command core,
// markdown and interactive-card rendering of the platform-neutral Reply, and the Notifier.

export { startDingTalkSurface, DEFAULT_API_URL, DEFAULT_CARD_TEMPLATE_ID } from './surface';
export type { DingTalkSurface, DingTalkSurfaceOptions } from './surface';
export { MemorySeenMessages } from './dedupe';
export type { SeenMessages } from './dedupe';
export { renderMarkdown, toMarkdown } from './markdown';
export { renderCard, renderAsk, MAX_CARD_BUTTONS } from './render-card';
export type { CardButton, CardContent } from './render-card';
export { TOPIC_CARD, TOPIC_ROBOT } from './frames';
export { silentLogger } from './logger';
export type { SurfaceLogger } from './logger';
