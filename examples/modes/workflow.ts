/**
 * @module
 * A workflow that does not know where its data goes: `save` declares the
 * `store` resource, and the mode decides what the store is.
 */
import { submit, task } from '@weft/core';
import type { Reading, ReadingStore } from './stores.ts';

declare module '@weft/core' {
  interface ResourceTypes {
    store: ReadingStore;
  }
}

export const measure = task('measure', async (_ctx, station: string, hours: number) =>
  Array.from(
    { length: hours },
    (_, h): Reading => ({
      station,
      tempC: Math.round((10 + 6 * Math.sin(((h - 9) * Math.PI) / 12) + station.length) * 10) / 10,
    }),
  ),
);

export const save = task({ name: 'save', resources: ['store'] }, async (ctx, readings: Reading[]) =>
  ctx.resources.store.insert(readings),
);

export const report = task(
  { name: 'report', resources: ['store'] },
  async (ctx, ..._saved: number[]) => ctx.resources.store.stations(),
);

export async function main(stations = ['harbor', 'ridge', 'valley']) {
  const saved = stations.map((s) => submit(save, submit(measure, s, 24)));
  return submit(report, ...saved);
}
