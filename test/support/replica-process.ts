// One bot replica as its own process, for the multi-replica tests: the whole bot on the store that
// BOT_STORE_URL names (as `npm start` opens it), against simulators the test owns (SIMS_JSON),
// with /healthz and /metrics on a port of its own, and Slack notifications to the fake Slack when
// SLACK_API_URL and SLACK_BOT_TOKEN are set.
//
// It prints one line per event: `HTTP <port>`, `READY`, `ROLE leader <epoch>` / `ROLE follower`,
// `LOG <json>` (warnings, errors and store events), and the answers to its stdin commands:
//   RUN <instance>              a manual backup, as admin1  → STARTED <id> | REFUSED <message>
//   RACE <instance> <day> <n>   n scheduled starts of that day at once → RACED <day> <ids or ->
//   SAY <user> <text>           a chat command              → REPLY <tone> <text>
// With STOP_BEFORE_SUBMIT=<database> it stops itself (SIGSTOP) just before it would record that
// database's BACKUP SNAPSHOT as submitted, printing `PAUSED <database>`, and `RESUMED` after SIGCONT.

import { createInterface } from 'node:readline';
import type { AddressInfo } from 'node:net';
import { sandboxConfig } from '../../src/config';
import type { SimulatorDescription } from '../../sim/description';
import { createBot } from '../../src/app/bot';
import { chooseStore } from '../../src/app/store';
import type { BackupSet } from '../../src/domain/types';
import type { Logger, Store } from '../../src/ports';
import { healthRoutes, startHttpRoutes } from '../../adapters/http/health';
import { aliOssConnector } from '../../adapters/oss';
import { SlackNotifier, silentLogger } from '../../adapters/slack';
import { createWebClient } from '../../adapters/slack/web';
import { mysqlStarRocksConnector } from '../../adapters/starrocks';
import { FakeCron } from './cron';

const PRINTED_EVENTS = new Set(['store.fenced', 'store.lease_acquired', 'leadership.acquired', 'leadership.lost', 'backup.step_failed', 'controller.error']);

function printingLogger(bindings: object = {}): Logger {
  const emit = (level: string) => (fields: object, message?: string) => {
    const all = { ...bindings, ...fields } as { event?: string };
    if (level === 'warn' || level === 'error' || (all.event && PRINTED_EVENTS.has(all.event))) console.log(`LOG ${JSON.stringify({ level, ...all, message })}`);
  };
  return { debug: () => undefined, info: emit('info'), warn: emit('warn'), error: emit('error'), child: (more) => printingLogger({ ...bindings, ...more }) };
}

/** Stops this process right before it records `database` of a set as submitted (see the header). */
function stoppingBeforeSubmit(store: Store, database: string): Store {
  let armed = true;
  const backupSets = {
    ...store.backupSets,
    async update(id: string, mutate: (current: BackupSet) => BackupSet) {
      const current = armed ? await store.backupSets.get(id) : null;
      const was = current?.databases.find((d) => d.database === database)?.state;
      const next = current ? mutate(structuredClone(current)).databases.find((d) => d.database === database)?.state : undefined;
      if (was === 'PENDING' && next === 'SUBMITTED') {
        armed = false;
        console.log(`PAUSED ${database}`);
        process.kill(process.pid, 'SIGSTOP');
        console.log('RESUMED');
      }
      return store.backupSets.update(id, mutate);
    },
  };
  return { ...store, backupSets };
}

async function main(): Promise<void> {
  const env = process.env;
  const sims = JSON.parse(env.SIMS_JSON ?? '{}') as SimulatorDescription;
  const log = printingLogger();
  const opened = await chooseStore(env, env.BOT_DATA_DIR ?? './data').open(log);
  const store = env.STOP_BEFORE_SUBMIT ? stoppingBeforeSubmit(opened, env.STOP_BEFORE_SUBMIT) : opened;
  const bot = await createBot({
    config: sandboxConfig(sims),
    store,
    starrocks: mysqlStarRocksConnector,
    oss: aliOssConnector,
    cron: new FakeCron(),
    log,
    timing: { pollMinMs: 20, pollMaxMs: 100 },
    random: () => 0,
  });
  if (env.SLACK_API_URL && env.SLACK_BOT_TOKEN) {
    const client = createWebClient({ botToken: env.SLACK_BOT_TOKEN, apiUrl: env.SLACK_API_URL, retryConfig: { retries: 0 }, logger: silentLogger, secrets: [env.SLACK_BOT_TOKEN] });
    bot.notifiers.set('slack', new SlackNotifier({ client, logger: silentLogger, minEditIntervalMs: 20 }));
  }
  const server = await startHttpRoutes(0, healthRoutes(() => bot.health(), () => bot.metrics.render()));
  console.log(`HTTP ${(server.address() as AddressInfo).port}`);
  await bot.start();
  console.log('READY');

  let role = '';
  setInterval(() => {
    const lease = bot.runner.currentLease;
    const now = lease ? `leader ${lease.epoch}` : 'follower';
    if (now !== role) console.log(`ROLE ${(role = now)}`);
  }, 20);

  const admin = bot.core.resolveActor('terminal', 'admin1');
  const commands = createInterface({ input: process.stdin });
  commands.on('line', (line) => {
    const [verb, ...args] = line.trim().split(/\s+/);
    void (async () => {
      if (verb === 'RUN') {
        const set = await bot.services.backups.startManual(admin, args[0] ?? '').then(
          (s) => `STARTED ${s.id}`,
          (e: unknown) => `REFUSED ${e instanceof Error ? e.message : String(e)}`,
        );
        console.log(set);
      } else if (verb === 'RACE') {
        const [instance = '', day = '', n = '1'] = args;
        const results = await Promise.allSettled(Array.from({ length: Number(n) }, () => bot.services.backups.startScheduled(instance, day, false)));
        const ids = results.flatMap((r) => (r.status === 'fulfilled' && r.value ? [r.value.id] : []));
        const errors = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
        console.log(`RACED ${day} ${ids.join(',') || '-'}${errors.length ? ` ERRORS ${errors.join(' | ')}` : ''}`);
      } else if (verb === 'SAY') {
        const [user = 'oper1', ...words] = args;
        const reply = await bot.core.run({ actor: bot.core.resolveActor('terminal', user), text: words.join(' '), channel: { platform: 'terminal', channelId: 'terminal' } });
        console.log(`REPLY ${reply.tone} ${JSON.stringify(reply.text)}`);
      }
    })();
  });
}

main().catch((err: unknown) => {
  console.log(`FAILED ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
