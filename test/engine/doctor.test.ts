// `/backup doctor <instance>`: a preflight of a new cluster without a backup, as an operator sees
// it: each FE address, version, run mode, the bot user's privileges (missing GRANTs named, also
// through custom roles), the bucket and the repository. It changes nothing.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxSimulators } from '../../sim/sandbox';
import { startStarRocksSimulator, type StarRocksSimulator } from '../../sim/starrocks';
import type { BotConfig, InstanceConfig, RegionConfig } from '../../src/config/types';
import type { Reply } from '../../src/reply';
import { startHarness } from '../support/harness';
import type { Harness } from '../support/harness';

let sims: Awaited<ReturnType<typeof startSandboxSimulators>>;
let extra: StarRocksSimulator;
let h: Harness;

beforeAll(async () => {
  sims = await startSandboxSimulators({ stepMs: 10 });
  extra = await startStarRocksSimulator({
    user: sims.description.mysql.user,
    password: sims.description.mysql.password,
    stepMs: 10,
    instances: [
      {
        // A new cluster whose bot user was given a custom role and too little.
        id: 'new-1',
        version: '3.3.5',
        runMode: 'shared_nothing',
        timeZone: 'Asia/Shanghai',
        liveBackends: 3,
        enableBackupMaterializedView: true,
        operatePrivilege: false,
        grants: ["GRANT 'public', 'backup_operator' TO 'root'@'%'", "GRANT SELECT ON ALL TABLES IN ALL DATABASES TO USER 'root'@'%'"],
        roleGrants: {
          public: [],
          backup_operator: ['GRANT REPOSITORY ON SYSTEM TO ROLE backup_operator', 'GRANT EXPORT ON ALL TABLES IN DATABASE sales TO ROLE backup_operator', "GRANT 'nested_reader' TO ROLE backup_operator"],
          nested_reader: ['GRANT INSERT ON ALL TABLES IN ALL DATABASES TO ROLE nested_reader'],
        },
        databases: [{ name: 'sales', tables: [{ name: 'orders', kind: 'OLAP', rows: 100 }] }],
      },
    ],
  });
});
afterAll(async () => {
  await extra.close();
  await sims.close();
});
afterEach(async () => {
  await h?.close();
});

const itemText = (reply: Reply, name: string): string => reply.items?.find((i) => i.text.includes(`*${name}*`))?.text ?? `(no ${name} check)`;

/** new-1 behind two FE addresses, the first of which nothing listens on. */
function withNewCluster(c: BotConfig): BotConfig {
  const prod = c.instances.find((i) => i.id === 'prod-1') as InstanceConfig;
  const fresh: InstanceConfig = {
    ...prod,
    id: 'new-1',
    displayName: 'New 1',
    repository: 'bot_new_1',
    frontends: [
      { host: '127.0.0.1', port: 9 },
      { host: '127.0.0.1', port: extra.ports['new-1'] as number },
    ],
  };
  return { ...c, instances: [...c.instances, fresh] };
}

describe('/backup doctor', () => {
  it('finds a shared-nothing sandbox instance ready, and changes nothing', async () => {
    h = await startHarness({ sims: sims.description });
    const reply = await h.say('oper1', 'doctor prod-sh');
    expect(reply.title).toBe('Doctor: prod-sh');
    expect(reply.tone).toBe('success');
    expect(reply.text).toBe('*prod-sh* is ready for backups: every check passed.');
    expect(reply.items?.map((i) => i.text.split(':')[0])).toEqual([
      '✔ *Frontends*', '✔ *Version*', '✔ *Run mode*', '✔ *Privileges*', '✔ *FE time zone*', '✔ *Backends*', '✔ *Repository*',
      '✔ *Bucket region*', '✔ *Versioning*', '✔ *Retention lock*', '✔ *Lifecycle rules*', '✔ *Snapshots on OSS*',
    ]);
    expect(itemText(reply, 'Repository')).toContain('bot_prod_sh does not exist yet: the first backup creates it at oss://sandbox-backups-sh/');
    // Read-only: no repository was created, nothing was audited or started.
    const repos = await sims.starrocks.instance('prod-sh').execute('SHOW REPOSITORIES', { user: 'root', db: null });
    expect(repos !== 'ok' && repos.rows.length).toBe(0);
    expect(await h.store.audit.list()).toEqual([]);
  });

  it('names each FE address, the missing privileges as GRANT statements (custom roles read too), and the run mode it could not read', async () => {
    h = await startHarness({ sims: sims.description, config: withNewCluster });
    const reply = await h.say('oper1', 'doctor new-1');
    expect(reply.tone).toBe('error');
    expect(reply.text).toMatch(/^\*new-1\* is not ready: 2 problems, 1 warning\. Backups fail until the problems are fixed\.$/);
    const frontends = itemText(reply, 'Frontends');
    expect(frontends).toMatch(/^⚠ \*Frontends\*: 1 of 2 FE addresses answer/);
    expect(frontends).toMatch(/- 127\.0\.0\.1:9: .*cannot connect to StarRocks/);
    expect(frontends).toContain(`- 127.0.0.1:${extra.ports['new-1']}: answers (StarRocks 3.3.5)`);
    expect(itemText(reply, 'Run mode')).toContain('✖ *Run mode*: not readable');
    expect(itemText(reply, 'Run mode')).toContain("`GRANT OPERATE ON SYSTEM TO USER 'root'@'%';`");
    const privileges = itemText(reply, 'Privileges');
    expect(privileges).toContain("✖ *Privileges*: the user 'root'@'%' lacks what a backup needs");
    expect(privileges).toContain('- missing: EXPORT ON ALL TABLES IN ALL DATABASES, for backup (BACKUP SNAPSHOT of every table); granted on some databases or tables only');
    expect(privileges).toContain('- held (role backup_operator): REPOSITORY ON SYSTEM');
    expect(privileges).toContain('- held (role nested_reader): INSERT ON ALL TABLES IN ALL DATABASES');
    expect(privileges).toContain('- held (granted directly): SELECT ON ALL TABLES IN ALL DATABASES');
    const fix = privileges.split('Fix:\n')[1]?.split('\n');
    expect(fix).toEqual([
      "`GRANT OPERATE ON SYSTEM TO USER 'root'@'%';`",
      "`GRANT EXPORT ON ALL TABLES IN ALL DATABASES TO USER 'root'@'%';`",
      "`GRANT CREATE DATABASE ON CATALOG default_catalog TO USER 'root'@'%';`",
      "`GRANT CREATE TABLE ON ALL DATABASES TO USER 'root'@'%';`",
      "`GRANT DROP ON ALL DATABASES TO USER 'root'@'%';`",
    ]);
  });

  it('finds a repository pointing elsewhere, a bucket in another region, versioning, a retention lock and lifecycle rules', async () => {
    sims.oss.addBucket({ name: 'doctor-hz', region: 'cn-hangzhou', versioning: 'Enabled', worm: { state: 'Locked', days: 30 }, lifecycle: [{ id: 'purge', prefix: '', status: 'Enabled', expirationDays: 10 }] });
    const { oss } = sims.description;
    const created = await sims.starrocks
      .instance('staging-1')
      .execute(
        `CREATE READ ONLY REPOSITORY bot_staging_1 WITH BROKER ON LOCATION "oss://sandbox-backups-sh/elsewhere" PROPERTIES ("fs.oss.accessKeyId" = "${oss.accessKeyId}", "fs.oss.accessKeySecret" = "${oss.accessKeySecret}", "fs.oss.endpoint" = "${new URL(oss.endpoint).host}")`,
        { user: 'root', db: null },
      );
    expect(created).toBe('ok');
    h = await startHarness({
      sims: sims.description,
      config: (c) => ({
        ...c,
        regions: {
          ...c.regions,
          'cn-hangzhou': { ...(c.regions['cn-hangzhou'] as RegionConfig), bucket: 'doctor-hz' },
          'cn-shanghai': { ...(c.regions['cn-shanghai'] as RegionConfig), bucket: 'sandbox-backups-hz' },
        },
      }),
    });
    const staging = await h.say('oper1', 'doctor staging-1');
    expect(itemText(staging, 'Repository')).toMatch(/^✖ \*Repository\*: bot_staging_1 exists but points at oss:\/\/sandbox-backups-sh\/elsewhere, not at oss:\/\/doctor-hz\/starrocks-backups as configured/);
    expect(itemText(staging, 'Repository')).toContain('`DROP REPOSITORY bot_staging_1; (the objects on OSS stay)');
    expect(itemText(staging, 'Versioning')).toMatch(/^⚠ \*Versioning\*: enabled: deleting an expired backup leaves old versions behind/);
    expect(itemText(staging, 'Retention lock')).toMatch(/^⚠ \*Retention lock\*: WORM Locked, 30 days/);
    expect(itemText(staging, 'Lifecycle rules')).toContain('- purge (prefix "", expires after 10 days)');
    const shanghai = await h.say('oper1', 'doctor prod-sh');
    expect(itemText(shanghai, 'Bucket region')).toContain('✖ *Bucket region*: bucket sandbox-backups-hz is in cn-hangzhou, but prod-sh is in cn-shanghai: backups never cross regions');
  });

  it('says what it could not check when no FE answers, and needs the operator role', async () => {
    h = await startHarness({
      sims: sims.description,
      config: (c) => ({ ...c, instances: c.instances.map((i) => (i.id === 'staging-1' ? { ...i, frontends: [{ host: '127.0.0.1', port: 9 }] } : i)) }),
    });
    const reply = await h.say('oper1', 'doctor staging-1');
    expect(itemText(reply, 'Frontends')).toMatch(/^✖ \*Frontends\*: the FE address does not answer/);
    expect(itemText(reply, 'StarRocks')).toBe('? *StarRocks*: not checked: no FE address answered');
    expect(itemText(reply, 'Bucket region')).toMatch(/^✔/);
    expect((await h.say('viewer1', 'doctor prod-1')).text).toContain('/backup doctor needs the operator role on prod-1; your role on prod-1 is viewer');
    expect((await h.say('oper1', 'doctor prod-9')).text).toContain('unknown instance "prod-9"; did you mean prod-1?');
  });
});
