export { openLowdbStore, STORE_FILE_NAME, type LowdbStoreOptions } from './store';
export { repairStore, splitDocument, type RejectedRecord, type RepairResult } from './repair';
export { InvalidRecordError } from './records';
export type { WriteTextFile } from './atomic-file';
