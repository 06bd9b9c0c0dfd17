// `npm run sim -- --mysql-port N --oss-port M`: runs the sandbox simulators in the foreground.
// Its first stdout line is one JSON SimulatorDescription; through npm, npm's banner comes before
// it, so readers take the first line that starts with `{` (SPEC section 5). Then readable lines.

import { startSandboxSimulators } from './sandbox';

const USAGE = 'usage: npm run sim -- [--mysql-port N] [--oss-port M]   (ports 1-65535; omitted = random)';

function parseArgs(argv: string[]): { mysqlPort?: number; ossPort?: number } | string {
  const out: { mysqlPort?: number; ossPort?: number } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const m = /^--(mysql-port|oss-port)(?:=(.*))?$/.exec(arg);
    if (!m) return `unknown argument ${JSON.stringify(arg)}`;
    const raw = m[2] ?? argv[++i];
    if (raw === undefined) return `--${m[1]} needs a port number`;
    if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 65_535) return `--${m[1]} must be a port number from 1 to 65535, got ${JSON.stringify(raw)}`;
    if (m[1] === 'mysql-port') out.mysqlPort = Number(raw);
    else out.ossPort = Number(raw);
  }
  return out;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (typeof args === 'string') {
    process.stderr.write(`${args}\n${USAGE}\n`);
    process.exit(2);
  }
  // Signal handlers first, so a stop that arrives right after the first line is never lost.
  let sandbox: Awaited<ReturnType<typeof startSandboxSimulators>> | null = null;
  let stopping = false;
  const stop = (): void => {
    if (stopping || !sandbox) {
      stopping = true;
      return;
    }
    stopping = true;
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    sandbox = await startSandboxSimulators(args);
  } catch (err) {
    process.stderr.write(`cannot start the simulators: ${(err as Error).message}\n`);
    process.exit(1);
  }
  if (stopping) {
    stopping = false;
    return stop();
  }
  const d = sandbox.description;
  process.stdout.write(`${JSON.stringify(d)}\n`);
  console.log(`StarRocks simulator (MySQL protocol) user ${d.mysql.user}, password ${d.mysql.password}:`);
  for (const [id, i] of Object.entries(d.instances)) console.log(`  ${id.padEnd(10)} ${i.region.padEnd(12)} mysql -h ${d.mysql.host} -P ${i.mysqlPort} -u ${d.mysql.user} -p`);
  console.log(`OSS simulator ${d.oss.endpoint}  AccessKeyId ${d.oss.accessKeyId}  AccessKeySecret ${d.oss.accessKeySecret}`);
  for (const [region, bucket] of Object.entries(d.oss.buckets)) console.log(`  ${region.padEnd(12)} bucket ${bucket}`);
  console.log('Ctrl-C to stop.');
}

void main();
