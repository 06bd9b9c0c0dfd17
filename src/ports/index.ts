// The interfaces the core needs from the outside. Adapters implement them; the core never
// imports an adapter. Every method that talks to a real system may throw an `OutsideError`
// (src/domain/errors.ts) whose `kind` says what went wrong in the core's words.

export type * from './chat';
export type * from './clock';
export type * from './cron';
export type * from './leadership';
export type * from './logger';
export type * from './object-store';
export type * from './starrocks';
export type * from './store';
export { RUNNER_STATE, checkRunnerValue, isRunnerStateKey } from './runner-state';
export type { RunnerStateKey, RunnerStateValue } from './runner-state';
