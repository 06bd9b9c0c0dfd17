// The configured instances, looked up by id with a helpful refusal.

import type { InstanceConfig, RegionConfig, BotConfig } from '../config/types';
import { NotFoundError } from '../domain/errors';
import { closest } from './suggest';
import { quoteInput } from '../domain/text';

export class InstanceDirectory {
  private readonly byId: Map<string, InstanceConfig>;

  constructor(private readonly config: BotConfig) {
    this.byId = new Map(config.instances.map((i) => [i.id, i]));
  }

  list(): InstanceConfig[] {
    return [...this.byId.values()];
  }

  ids(): Set<string> {
    return new Set(this.byId.keys());
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  find(id: string): InstanceConfig | null {
    return this.byId.get(id) ?? null;
  }

  get(id: string): InstanceConfig {
    const found = this.byId.get(id);
    if (found) return found;
    const guess = closest(id, [...this.byId.keys()]);
    const known = [...this.byId.keys()].join(', ') || 'none configured';
    throw new NotFoundError(
      `unknown instance ${quoteInput(id)}${guess ? `; did you mean ${guess}?` : ''} (known: ${known})`,
    );
  }

  /** A configured region by id (a set of an instance gone from the configuration names its region). */
  regionNamed(id: string): RegionConfig | null {
    return this.config.regions[id] ?? null;
  }

  region(instance: InstanceConfig): RegionConfig {
    const region = this.config.regions[instance.region];
    if (!region) throw new NotFoundError(`instance ${instance.id} names region ${instance.region}, which is not configured`);
    return region;
  }

  /** A region by id (a backup set names its region, also after its instance left the configuration). */
  regionById(regionId: string): RegionConfig {
    const region = this.config.regions[regionId];
    if (!region) throw new NotFoundError(`region ${regionId} is not configured`);
    return region;
  }
}
