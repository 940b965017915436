// The modes of the example: the same workflow under an in-memory store or a SQLite file.
import { defineConfig, inline, resourceSet } from 'weft';
import { memoryStore, sqliteStore } from './stores.ts';

export default defineConfig({
  modes: {
    dev: resourceSet({ executor: inline(), store: memoryStore }),
    prod: resourceSet({ executor: inline({ concurrency: 4 }), store: sqliteStore }),
  },
  defaultMode: 'dev',
  config: { store: { path: '.weft/example-readings.db' } },
});
