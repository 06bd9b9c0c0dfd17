// Settings: one version at a time, a stale save refused carrying what is stored (see contract.ts).

import { describe, expect, it } from 'vitest';
import { StaleUpdateError } from '../../src/domain/errors';
import type { StoredSettings } from '../../src/domain/types';
import { outcomes, someSettings } from './builders';
import type { ContractContext } from './contract';

export function defineSettingsContract(ctx: ContractContext): void {
  describe('settings', () => {
    it('are null until saved, then read back as saved', async () => {
      expect(await ctx.store.settings.get('prod-1')).toBeNull();
      expect(await ctx.store.settings.list()).toEqual([]);
      expect(await ctx.store.settings.save(someSettings())).toEqual(someSettings());
      expect(await ctx.store.settings.get('prod-1')).toEqual(someSettings());
      expect(await ctx.store.settings.list()).toEqual([someSettings()]);
    });

    it('are saved one version at a time', async () => {
      await ctx.store.settings.save(someSettings());
      await ctx.store.settings.save(someSettings({ version: 2, time: '03:00', updatedBy: 'bob' }));
      expect(await ctx.store.settings.get('prod-1')).toEqual(someSettings({ version: 2, time: '03:00', updatedBy: 'bob' }));
    });

    it('refuse a first save that is not version 1, saving nothing', async () => {
      for (const version of [0, 2]) {
        const error = await ctx.store.settings.save(someSettings({ version })).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StaleUpdateError);
        expect((error as StaleUpdateError).current).toBeNull();
      }
      expect(await ctx.store.settings.get('prod-1')).toBeNull();
    });

    it('refuse a stale save, carrying the stored settings', async () => {
      await ctx.store.settings.save(someSettings());
      await ctx.store.settings.save(someSettings({ version: 2, updatedBy: 'bob', updatedAt: '2026-11-24T02:00:00.000Z' }));
      for (const version of [2, 1, 4]) {
        const error = await ctx.store.settings.save(someSettings({ version, updatedBy: 'carol' })).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StaleUpdateError);
        expect((error as StaleUpdateError<StoredSettings>).current).toEqual(
          someSettings({ version: 2, updatedBy: 'bob', updatedAt: '2026-11-24T02:00:00.000Z' }),
        );
      }
      expect(await ctx.store.settings.get('prod-1')).toMatchObject({ version: 2, updatedBy: 'bob' });
    });

    it('hand out copies: changing what a refusal carries changes nothing stored', async () => {
      await ctx.store.settings.save(someSettings());
      const error = (await ctx.store.settings.save(someSettings()).catch((e: unknown) => e)) as StaleUpdateError<StoredSettings>;
      error.current.weekdays.push('sun');
      const saved = await ctx.store.settings.get('prod-1');
      saved?.weekdays.push('sat');
      expect(await ctx.store.settings.get('prod-1')).toEqual(someSettings());
    });

    it('are kept per instance, listed by instance', async () => {
      await ctx.store.settings.save(someSettings({ instanceId: 'staging-1', enabled: false }));
      await ctx.store.settings.save(someSettings());
      expect((await ctx.store.settings.list()).map((s) => s.instanceId)).toEqual(['prod-1', 'staging-1']);
      expect(await ctx.store.settings.get('staging-1')).toMatchObject({ enabled: false, version: 1 });
    });

    it('let exactly one of many concurrent saves of the same version win, across handles', async () => {
      await ctx.store.settings.save(someSettings());
      const people = ['bob', 'carol', 'dave', 'erin', 'frank', 'grace'];
      const { won, lost } = outcomes(await ctx.race(people.length, (store, i) => store.settings.save(someSettings({ version: 2, updatedBy: people[i] ?? null }))));
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(people.length - 1);
      for (const reason of lost) {
        expect(reason).toBeInstanceOf(StaleUpdateError);
        expect((reason as StaleUpdateError<StoredSettings>).current).toEqual(won[0]);
      }
      expect(await ctx.store.settings.get('prod-1')).toEqual(won[0]);
      expect(await (await ctx.second()).settings.get('prod-1')).toEqual(won[0]);
    });

    it('let exactly one of two concurrent first saves win, across handles', async () => {
      const { won, lost } = outcomes(await ctx.race(2, (store, i) => store.settings.save(someSettings({ updatedBy: i === 0 ? 'bob' : 'carol' }))));
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0]).toBeInstanceOf(StaleUpdateError);
      expect(await ctx.store.settings.list()).toEqual(won);
    });

    it('chain concurrent saves that each read first: every save lands once, versions 1 to n', async () => {
      const rounds = 8;
      const saveNext = async (store: typeof ctx.store, who: string) => {
        for (;;) {
          const stored = await store.settings.get('prod-1');
          try {
            return await store.settings.save(someSettings({ version: (stored?.version ?? 0) + 1, updatedBy: who }));
          } catch (e) {
            if (!(e instanceof StaleUpdateError)) throw e;
          }
        }
      };
      const { won, lost } = outcomes(await ctx.race(rounds, (store, i) => saveNext(store, `person-${i}`)));
      expect(lost).toEqual([]);
      expect(won.map((s) => s.version).sort((a, b) => a - b)).toEqual(Array.from({ length: rounds }, (_, i) => i + 1));
      expect(await ctx.store.settings.get('prod-1')).toMatchObject({ version: rounds });
    });
  });
}
