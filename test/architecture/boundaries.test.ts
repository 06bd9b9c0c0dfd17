// The dependency rule (ARCHITECTURE.md) is enforced by ESLint: these tests plant a forbidden
// import in a file of each layer and check that the lint fails on it, and that the allowed
// direction passes. The lint runs with the project's own eslint.config.js.

import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport const planted = 1;\n`, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('the dependency rule', () => {
  it.each([
    ['src/services/planted.ts', "import { createCommandCore } from '../../commands/core';", /chat grammar/],
    ['src/runner/planted.ts', "import { openLowdbStore } from '../../adapters/store/lowdb';", /never imports an adapter/],
    ['src/ports/planted.ts', "import type { SimulatorDescription } from '../../sim/description';", /simulators/],
    ['src/services/backup/planted.ts', "import { Pool } from 'mysql2/promise';", /only through src\/ports/],
    ['src/domain/planted.ts', "import type { BotConfig } from '../config/types';", /never imports src\/config/],
    ['src/domain/planted.ts', "import type { Store } from '../ports';", /imports nothing of the project but itself/],
    ['src/domain/planted.ts', "import { reply } from '../../commands/reply';", /chat grammar/],
    ['adapters/slack/planted.ts', "import { createCommandCore } from '../../commands/core';", /CommandCore port/],
    ['adapters/oss/planted.ts', "import { startOssSimulator } from '../../sim/oss/server';", /simulators/],
  ])('%s may not: %s', async (file, code, why) => {
    const found = await problems(file, code);
    expect(found.length).toBeGreaterThan(0);
    expect(found.some((m) => why.test(m))).toBe(true);
  });

  it.each([
    ['src/services/planted.ts', "import type { Store } from '../ports';"],
    ['src/services/planted.ts', "import type { Reply } from '../reply';"],
    ['src/domain/planted.ts', "import { DateTime } from 'luxon';"],
    ['commands/planted.ts', "import type { Services } from '../src/services/services';"],
    ['adapters/slack/planted.ts', "import type { Reply } from '../../src/reply';"],
    ['src/app/planted.ts', "import { createCommandCore } from '../../commands/core';"],
    ['src/main.ts', "import { openLowdbStore } from '../adapters/store/lowdb';"],
  ])('%s may: %s', async (file, code) => {
    expect(await problems(file, code)).toEqual([]);
  });
});
