// The bot as its own process for the kill-point suite: the whole bot on the embedded store in
// BOT_DATA_DIR, against simulators the test owns (SIMS_JSON), announcing to the fake Slack
// (SLACK_API_URL, SLACK_BOT_TOKEN), with short poll intervals. The test SIGKILLs it at a point a
// simulator hook names, then starts another on the same folder.
//
// It prints READY once its controllers run, and answers commands on stdin:
//   RUN <instance>              a manual backup as admin1          → STARTED <bk-id> | REFUSED <why>
//   RESTORE <bk-id> <target>    asked by admin1, approved by admin2 → APPROVED <rs-id> | REFUSED <why>
//   DELETE <bk-id>              asked by admin1 (confirmed)        → DELETING <bk-id> | REFUSED <why>

import { createInterface } from 'node:readline';
import { sandboxConfig } from '../../src/config';
import type { SimulatorDescription } from '../../sim/description';
import { createBot } from '../../src/app/bot';
import { aliOssConnector } from '../../adapters/oss';
import { SlackNotifier, silentLogger } from '../../adapters/slack';
import { createWebClient } from '../../adapters/slack/web';
import { mysqlStarRocksConnector } from '../../adapters/starrocks';
import { openLowdbStore } from '../../adapters/store/lowdb';
import { FakeCron } from '../support/cron';
import type { Logger } from '../../src/ports';

/** Warnings and errors as `LOG <json>` lines, for a failing test to show. */
function printingLogger(bindings: object = {}): Logger {
  const emit = (level: string) => (fields: object, message?: string) => console.log(`LOG ${JSON.stringify({ level, ...bindings, ...fields, message })}`);
  return { debug: () => undefined, info: () => undefined, warn: emit('warn'), error: emit('error'), child: (more) => printingLogger({ ...bindings, ...more }) };
}

async function main(): Promise<void> {
  const env = process.env;
  const sims = JSON.parse(env.SIMS_JSON ?? '{}') as SimulatorDescription;
  const store = await openLowdbStore(env.BOT_DATA_DIR ?? './data');
  const bot = await createBot({
    config: sandboxConfig(sims),
    store,
    starrocks: mysqlStarRocksConnector,
    oss: aliOssConnector,
    cron: new FakeCron(),
    log: printingLogger(),
    timing: { pollMinMs: 20, pollMaxMs: 100, resendGraceMs: Number(env.RESEND_GRACE_MS ?? 1000) },
    random: () => 0,
  });
  const token = env.SLACK_BOT_TOKEN ?? '';
  const client = createWebClient({ botToken: token, apiUrl: env.SLACK_API_URL ?? '', retryConfig: { retries: 0 }, logger: silentLogger, secrets: [token] });
  bot.notifiers.set('slack', new SlackNotifier({ client, logger: silentLogger, minEditIntervalMs: 20 }));
  await bot.start();
  console.log('READY');

  const admin1 = bot.core.resolveActor('terminal', 'admin1');
  const admin2 = bot.core.resolveActor('terminal', 'admin2');
  const why = (e: unknown) => `REFUSED ${e instanceof Error ? e.message : String(e)}`;
  createInterface({ input: process.stdin }).on('line', (line) => {
    const [verb, a = '', b = ''] = line.trim().split(/\s+/);
    const answer = async (): Promise<string> => {
      if (verb === 'RUN') return `STARTED ${(await bot.services.backups.startManual(admin1, a)).id}`;
      if (verb === 'RESTORE') {
        const { request } = await bot.services.restores.request(admin1, { setId: a, targetId: b, databases: null, replicas: null });
        await bot.services.restores.decide(admin2, request.id, 'APPROVED', null);
        return `APPROVED ${request.id}`;
      }
      if (verb === 'DELETE') return `DELETING ${(await bot.services.deletions.request(admin1, a)).id}`;
      return `REFUSED unknown command ${verb ?? ''}`;
    };
    void answer().then((out) => console.log(out), (e: unknown) => console.log(why(e)));
  });
}

main().catch((err: unknown) => {
  console.log(`FAILED ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
