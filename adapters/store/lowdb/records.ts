// Every write is checked with the schemas reads use: the records a write adds or changes (found
// by identity: unchanged records are the same objects in the next document) must be valid, or
// the write is refused and nothing is saved. One bad write can no longer stop the next start.

import { RECORD_LISTS, RECORD_SCHEMAS, recordName, type StoreDocument } from './document';

/** A write refused because a record it would save is not valid. */
export class InvalidRecordError extends Error {
  constructor(
    readonly record: string,
    readonly problems: string[],
  ) {
    super(`refused to save ${record}: ${problems.join('; ')}. Nothing was saved.`);
    this.name = 'InvalidRecordError';
  }
}

/** Throws InvalidRecordError for the first new or changed record of `next` that is not valid. */
export function checkChangedRecords(previous: StoreDocument, next: StoreDocument): void {
  for (const list of RECORD_LISTS) {
    const after: readonly unknown[] = next[list];
    const before: readonly unknown[] = previous[list];
    if (after === before) continue;
    if (!Array.isArray(after)) throw new InvalidRecordError(list, ['is not a list']);
    const unchanged = new Set(before);
    for (let index = 0; index < after.length; index++) {
      const record = after[index];
      if (unchanged.has(record)) continue;
      const problems = recordProblems(list, record);
      if (problems.length > 0) throw new InvalidRecordError(recordName(list, index, record), problems);
    }
  }
}

/** What is wrong with one record of a list (empty when it is valid). */
export function recordProblems(list: (typeof RECORD_LISTS)[number], record: unknown): string[] {
  const result = RECORD_SCHEMAS[list].safeParse(record);
  if (result.success) return [];
  return result.error.issues.slice(0, 5).map((i) => `${i.path.map(String).join('.') || '(record)'}: ${i.message}`);
}
