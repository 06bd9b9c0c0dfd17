export { openLowdbStore, type LowdbStoreOptions } from './store';
export { STORE_FILE_NAME, AUDIT_LOG_NAME, SET_ARCHIVE_NAME } from './shared-document';
export { LOCK_FILE_NAME, StoreLockedError } from './lock-file';
export type { WriteTextFile } from './atomic-file';
export { repairStore, type RepairResult } from './repair';
