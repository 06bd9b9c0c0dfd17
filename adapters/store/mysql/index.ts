export { openMysqlStore, type MysqlStore, type MysqlStoreOptions } from './store';
export { parseStoreUrl, describeTarget, maskUrlPasswords, DEFAULT_LEASE_SECONDS, type MysqlTarget } from './target';
export { SCHEMA_VERSION } from './migrations';
