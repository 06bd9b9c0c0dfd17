export { openLowdbStore, STORE_FILE_NAME, type LowdbStoreOptions } from './store';
export type { WriteTextFile } from './atomic-file';
