// A test Slack for tests, benchmarks and the sandbox: the Web API as a real HTTP server, and
// the signed requests Slack sends to a bot.

export { startFakeSlack } from './server';
export type { FakeCall, FakeEphemeral, FakeMessage, FakeResponse, FakeSlack, FakeSlackOptions, FakeView, Fault } from './server';
export {
  signSlackRequest,
  slashCommandBody,
  slashCommandPayload,
  blockActionsBody,
  blockActionsPayload,
  viewSubmissionBody,
  viewSubmissionPayload,
  fillViewState,
  postToBot,
  postSigned,
  TEST_TEAM,
  TEST_APP_ID,
} from './requests';
export type { BoltAnswer, ButtonClickInput, SlashCommandInput, ViewSubmissionInput } from './requests';
export type { SocketModeSide } from './socket-mode';
export { blockProblem, viewProblem, walkBlocks, isObject, plainText, shownText } from './limits';
export type { FoundButton, Json, JsonObject } from './limits';
