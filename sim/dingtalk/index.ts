// A fake DingTalk for tests: the open API and the Stream gateway over real sockets.

export { startFakeDingTalk, TOPIC_CARD, TOPIC_ROBOT } from './server';
export type { FakeDingTalk, FakeDingTalkOptions, Said, SayOptions } from './server';
export type { FakeCall, FakeCard, FakeMessage, Fault } from './open-api';
export type { Ack } from './gateway';
