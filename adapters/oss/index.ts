export { AliOssStore, aliOssConnector, createAliOssConnector, type AliOssStoreOptions } from './ali-oss-store';
export { DEFAULT_RETRY_POLICY, backoffDelayMs, type RetryPolicy } from './retry';
export { DEFAULT_DELETE_SETTINGS, assertDeletablePrefix, type DeleteSettings } from './delete-prefix';
export { KeyGuardError } from './key-guard';
