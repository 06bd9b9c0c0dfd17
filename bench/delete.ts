// Deleting a backup set of N objects from the OSS simulator: the adapter (batched multi-object
// deletes, 1,000 keys a request, 4 in flight, behind the key guard) against the baseline of one
// DELETE per object (listed the same way, 4 in flight), in the same run, with the HTTP requests
// each made. `latencyMs` makes the simulator answer every request that much later, as a network
// round trip would. Run alone: `npx tsx bench/delete.ts [objects] [latencyMs]`.

import OSS from 'ali-oss';
import pLimit from 'p-limit';
import { AliOssStore } from '../adapters/oss';
import { startOssServer, type OssSimulator } from '../sim/oss/server';

const BUCKET = 'bench-hz';
const CREDENTIALS = { accessKeyId: 'LTAI5tBenchKey', accessKeySecret: 'bench-secret' };
const ROOT = 'starrocks-backups/__starrocks_repository_bot_bench';
const SNAPSHOT = 'bk_20261124_0230_bench__sales';
const PREFIX = `${ROOT}/__ss_${SNAPSHOT}/`;
const IN_FLIGHT = 4;

export interface DeleteRun {
  ms: number;
  /** DELETE or POST /?delete requests. */
  deleteRequests: number;
  /** GET listing pages. */
  listRequests: number;
}

export interface DeleteBench {
  objects: number;
  latencyMs: number;
  adapter: DeleteRun;
  perObject: DeleteRun;
}

function seed(sim: OssSimulator, n: number): void {
  for (let i = 0; i < n; i++) sim.putObject(BUCKET, `${PREFIX}__ss_content/__db_1/__tbl_2/__part_3/__idx_4/__${100000 + (i % 500)}/seg_${i}.dat.0123456789abcdef0123456789abcdef`, 'x');
}

async function measure(sim: OssSimulator, work: () => Promise<void>): Promise<DeleteRun> {
  const from = sim.requests.length;
  const t0 = performance.now();
  await work();
  const ms = performance.now() - t0;
  const made = sim.requests.slice(from);
  if (sim.listKeys(BUCKET, PREFIX).length !== 0) throw new Error('objects remain after the deletion');
  return { ms, deleteRequests: made.filter((r) => r.method === 'DELETE' || r.method === 'POST').length, listRequests: made.filter((r) => r.method === 'GET').length };
}

export async function benchDelete(objects = 20_000, latencyMs = 0): Promise<DeleteBench> {
  const sim = await startOssServer({ buckets: [{ name: BUCKET, region: 'cn-hangzhou' }], credentials: [CREDENTIALS] });
  sim.faults.latencyMs = latencyMs;
  try {
    const conn = { region: 'cn-hangzhou', bucket: BUCKET, endpoint: sim.endpoint, ...CREDENTIALS };
    seed(sim, objects);
    const store = new AliOssStore(conn);
    const adapter = await measure(sim, async () => {
      await store.deleteSnapshots({ repositoryRoot: ROOT, snapshotNames: [SNAPSHOT] });
    });

    seed(sim, objects);
    const client = new OSS({ ...CREDENTIALS, bucket: BUCKET, endpoint: sim.endpoint, region: 'oss-cn-hangzhou' });
    const perObject = await measure(sim, async () => {
      const limit = pLimit(IN_FLIGHT);
      let token: string | undefined;
      const deletions: Promise<unknown>[] = [];
      do {
        const query: Record<string, string> = { prefix: PREFIX, 'max-keys': '1000', ...(token ? { 'continuation-token': token } : {}) };
        const page = (await client.listV2(query as unknown as OSS.ListV2ObjectsQuery, {})) as unknown as { objects?: { name: string }[]; isTruncated: boolean; nextContinuationToken?: string };
        for (const o of page.objects ?? []) deletions.push(limit(() => client.delete(o.name)));
        token = page.isTruncated ? page.nextContinuationToken : undefined;
      } while (token);
      await Promise.all(deletions);
    });
    return { objects, latencyMs, adapter, perObject };
  } finally {
    await sim.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  benchDelete(Number(process.argv[2] ?? 20_000), Number(process.argv[3] ?? 0))
    .then((r) => console.log(JSON.stringify(r)))
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
