// `npm run migrate -- --from ./data --to mysql://user@host:port/database [--force]`: moves the
// embedded store of a data folder (lowdb) into the MySQL store several replicas share. The target
// must hold no records unless --force (which replaces them); a bot running on either side is
// refused. The password comes from BOT_STORE_PASSWORD or the URL and is never printed.

import { exportLowdbStore } from './lowdb/export';
import { StoreLockedError } from './lowdb/lock-file';
import { describeTarget, maskUrlPasswords, parseStoreUrl } from './mysql/target';
import { importIntoMysql, TargetNotEmptyError, type ImportCounts } from './mysql/import';

const USAGE = 'usage: npm run migrate -- --from DATA_DIR --to mysql://USER@HOST:PORT/DATABASE [--force]\n' +
  '  --from   the folder of the embedded store (default: BOT_DATA_DIR, else ./data)\n' +
  '  --to     the MySQL database (default: BOT_STORE_URL); password in BOT_STORE_PASSWORD or the URL\n' +
  '  --force  replace what the target already holds (refused without it)';

interface Args {
  from: string;
  to: string;
  force: boolean;
}

function parseArgs(argv: string[], env: NodeJS.ProcessEnv): Args | string {
  let from = env.BOT_DATA_DIR ?? './data';
  let to = env.BOT_STORE_URL ?? '';
  let force = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => inline ?? argv[++i];
    if (name === '--from') from = value() ?? '';
    else if (name === '--to') to = value() ?? '';
    else if (name === '--force' && inline === undefined) force = true;
    else if (name === '--help' || name === '-h') return USAGE;
    else return `unknown argument ${JSON.stringify(maskUrlPasswords(arg).slice(0, 60))}\n${USAGE}`;
  }
  if (from === '') return `--from needs a folder\n${USAGE}`;
  if (to === '') return `--to needs a mysql:// URL (or set BOT_STORE_URL)\n${USAGE}`;
  return { from, to, force };
}

function summary(c: ImportCounts): string {
  return [
    `${c.settings} instance settings`,
    `${c.backupSets} backup sets`,
    `${c.restoreRequests} restore requests`,
    `${c.tasks} tasks`,
    `${c.audit} audit events`,
    `${c.outbox} undelivered notifications`,
    `${c.deliveries} delivered progress messages`,
    `${c.runnerState} runner values`,
    `${c.seen} remembered chat request ids`,
  ].join(', ');
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2), process.env);
  if (typeof args === 'string') {
    console.error(args);
    return args === USAGE ? 0 : 2;
  }
  const target = parseStoreUrl(args.to, process.env.BOT_STORE_PASSWORD);
  const source = await exportLowdbStore(args.from);
  const counts = await importIntoMysql(target, { ...source.document, audit: source.audit }, { replace: args.force });
  console.log(`Moved the embedded store of ${source.dir} into ${describeTarget(target)}${args.force ? ' (replacing what it held)' : ''}:`);
  console.log(`  ${summary(counts)}.`);
  if (source.unreadableAuditLines > 0) console.log(`  ${source.unreadableAuditLines} line(s) of the audit log were not events (torn by a crash) and were left out.`);
  console.log(`The files in ${source.dir} were kept. Start every replica with BOT_STORE_URL=${describeTarget({ ...target, password: '' })}${target.password ? ' and the password in BOT_STORE_PASSWORD' : ''}.`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    const hint = err instanceof TargetNotEmptyError ? ' Run again with --force to replace it, or migrate into an empty database.' : err instanceof StoreLockedError ? ' Stop the bot first.' : '';
    console.error(`migrate: ${maskUrlPasswords(message)}${hint}`);
    process.exit(1);
  },
);
