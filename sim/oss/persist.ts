// The objects of one simulated bucket kept on disk, so a sandbox that stops finds them again.
// Each object is two files named by the SHA-256 of its key: `<hash>.bin` (the body) and
// `<hash>.json` (key, ETag, time, type). The body is written first and the metadata last, both
// atomically: an object exists once its metadata does. A body without metadata is a write that
// never finished and is cleared at load.

import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { readState, SimStateError, writeAtomic } from '../state-file';
import type { StoredObject } from './buckets';

const metaSchema = z.object({
  key: z.string(),
  etag: z.string(),
  lastModified: z.iso.datetime(),
  contentType: z.string(),
  size: z.number().int().nonnegative(),
});

/** What a bucket tells its journal; the server keeps a bucket's objects in memory as well. */
export interface BucketJournal {
  put(key: string, object: StoredObject): void;
  delete(key: string): void;
}

export class BucketFiles implements BucketJournal {
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  private base(key: string): string {
    return join(this.dir, createHash('sha256').update(key).digest('hex'));
  }

  put(key: string, object: StoredObject): void {
    const base = this.base(key);
    writeAtomic(`${base}.bin`, object.body);
    const meta = { key, etag: object.etag, lastModified: object.lastModified.toISOString(), contentType: object.contentType, size: object.body.length };
    writeAtomic(`${base}.json`, JSON.stringify(meta));
  }

  delete(key: string): void {
    const base = this.base(key);
    rmSync(`${base}.json`, { force: true });
    rmSync(`${base}.bin`, { force: true });
  }

  /** Every object written and not deleted; unfinished writes are cleared. */
  load(): { key: string; object: StoredObject }[] {
    const out: { key: string; object: StoredObject }[] = [];
    const names = new Set(readdirSync(this.dir));
    for (const name of names) {
      if (name.endsWith('.tmp')) {
        rmSync(join(this.dir, name), { force: true });
        continue;
      }
      if (!name.endsWith('.json')) continue;
      const meta = readState(join(this.dir, name), metaSchema);
      const base = name.slice(0, -'.json'.length);
      if (meta === null) continue;
      if (this.base(meta.key) !== join(this.dir, base)) throw new SimStateError(`${join(this.dir, name)} names an object that does not belong to it`);
      let body: Buffer;
      try {
        body = readFileSync(join(this.dir, `${base}.bin`));
      } catch {
        throw new SimStateError(`${join(this.dir, `${base}.bin`)} is missing: the object ${meta.key} has lost its data`);
      }
      if (body.length !== meta.size) throw new SimStateError(`${join(this.dir, `${base}.bin`)} has ${body.length} bytes, ${meta.size} expected`);
      out.push({ key: meta.key, object: { body, etag: meta.etag, lastModified: new Date(meta.lastModified), contentType: meta.contentType } });
    }
    for (const name of names) {
      // A body whose metadata was never written: a put that did not finish.
      if (name.endsWith('.bin') && !names.has(`${name.slice(0, -'.bin'.length)}.json`)) rmSync(join(this.dir, name), { force: true });
    }
    return out;
  }
}
