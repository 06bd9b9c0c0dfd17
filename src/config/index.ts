// The configuration: loaded from the YAML file, or the sandbox built from the simulators.

export { configFileExists, loadConfig, parseConfig, buildConfig } from './load';
export { sandboxConfig, SANDBOX_SLACK_CHANNEL, SANDBOX_DINGTALK_CONVERSATION } from './sandbox';
export type { BotConfig, InstanceConfig, PeakHours, PersonConfig, RegionConfig, InstanceChannels } from './types';
