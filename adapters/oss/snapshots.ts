// Snapshots of a StarRocks repository on OSS (reference/starrocks-backup.md §5):
//   <root>/__ss_<snap>/__info_<yyyy-MM-dd-HH-mm-ss[-SSS]>.<md5>   written last: the backup finished
//   <root>/__ss_<snap>/__meta.<md5>, <root>/__ss_<snap>/__ss_content/...

import pLimit from 'p-limit';
import { z } from 'zod';
import type { SnapshotInfoFile, SnapshotListing } from '../../src/ports';
import { listPages } from './listing';
import { parseAnswer, type OssSession } from './session';
import { parseSnapshotInfo } from './snapshot-info';

const INFO_FILE = /^__info_(\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}(?:-\d{3})?)\.[0-9a-fA-F]{32}$/;
const LOOKUP_CONCURRENCY = 4;

/** The repository root as a key prefix: no leading or trailing slash. */
export function repositoryKey(root: string): string {
  return root.replace(/^\/+/, '').replace(/\/+$/, '');
}

export function snapshotPrefix(root: string, snapshotName: string): string {
  const base = repositoryKey(root);
  return `${base === '' ? '' : `${base}/`}__ss_${snapshotName}/`;
}

/** The backup timestamp of an `__info_<ts>.<md5>` file name, or null for any other name. */
export function infoTimestamp(fileName: string): string | null {
  return INFO_FILE.exec(fileName)?.[1] ?? null;
}

/** Orders `yyyy-MM-dd-HH-mm-ss[-SSS]` stamps; a stamp without milliseconds sorts first. */
function compareStamps(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The `__info_` files of one snapshot, oldest first. */
async function infoFiles(session: OssSession, root: string, snapshotName: string): Promise<{ key: string; timestamp: string; lastModified: Date | null }[]> {
  const dir = snapshotPrefix(root, snapshotName);
  const found: { key: string; timestamp: string; lastModified: Date | null }[] = [];
  for await (const page of listPages(session, `${dir}__info_`, '/')) {
    for (const { key, lastModified } of page.objects) {
      const timestamp = infoTimestamp(key.slice(dir.length));
      if (timestamp !== null) found.push({ key, timestamp, lastModified });
    }
  }
  return found.sort((a, b) => compareStamps(a.timestamp, b.timestamp));
}

/** Every `__ss_<snap>/` directory under the root, and whether its `__info_` file exists. */
export async function listSnapshotsUnder(session: OssSession, root: string): Promise<SnapshotListing[]> {
  const base = repositoryKey(root);
  const snapshotsPrefix = `${base === '' ? '' : `${base}/`}__ss_`;
  const names: string[] = [];
  for await (const page of listPages(session, snapshotsPrefix, '/')) {
    for (const prefix of page.prefixes) {
      const name = prefix.slice(snapshotsPrefix.length, -1);
      if (prefix.startsWith(snapshotsPrefix) && name !== '') names.push(name);
    }
  }
  return pLimit(LOOKUP_CONCURRENCY).map(names, async (snapshotName) => {
    const stamps = (await infoFiles(session, root, snapshotName)).map((f) => f.timestamp);
    return { snapshotName, complete: stamps.length > 0, backupTimestamps: stamps };
  });
}

const GetAnswer = z.object({ content: z.instanceof(Buffer) });

/** The parsed newest `__info_` file of a snapshot, or null when the backup never finished. */
export async function readSnapshotInfoUnder(session: OssSession, root: string, snapshotName: string): Promise<SnapshotInfoFile | null> {
  const files = await infoFiles(session, root, snapshotName);
  const newest = files[files.length - 1];
  if (!newest) return null;
  const what = `reading '${newest.key}' in bucket ${session.bucket}`;
  const answer = await session.call(what, async (wire) => parseAnswer(GetAnswer, await wire.get(newest.key), what));
  return { ...parseSnapshotInfo(answer.content.toString('utf8'), what), writtenAt: newest.lastModified };
}
