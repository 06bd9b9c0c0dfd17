import type { Logger } from '../../src/ports';

export interface LogRecord {
  level: string;
  fields: object;
  message: string | undefined;
}

/** A logger that keeps what it was told (and prints nothing). */
export function memoryLogger(records: LogRecord[] = []): Logger & { records: LogRecord[] } {
  const make = (bindings: object): Logger & { records: LogRecord[] } => ({
    records,
    debug: (fields, message) => records.push({ level: 'debug', fields: { ...bindings, ...fields }, message }),
    info: (fields, message) => records.push({ level: 'info', fields: { ...bindings, ...fields }, message }),
    warn: (fields, message) => records.push({ level: 'warn', fields: { ...bindings, ...fields }, message }),
    error: (fields, message) => records.push({ level: 'error', fields: { ...bindings, ...fields }, message }),
    child: (more) => make({ ...bindings, ...more }),
  });
  return make({});
}
