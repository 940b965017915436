// The modes of the example: the same workflow under an in-memory store or a SQLite file.
import { defineConfig, inline, resourceSet, threads } from '@weft/core';
import { memoryStore, sqliteStore } from './stores.ts';

export default defineConfig({
  modes: {
    dev: resourceSet({ executor: inline(), store: memoryStore }),
    prod: resourceSet({ executor: inline({ concurrency: 4 }), store: sqliteStore }),
    // Tasks in worker threads: each worker opens the SQLite store itself.
    parallel: resourceSet({ executor: threads({ max: 2 }), store: sqliteStore }),
    // The in-memory store cannot follow tasks into workers: refused at submit.
    devThreads: resourceSet({ executor: threads({ max: 2 }), store: memoryStore }),
  },
  defaultMode: 'dev',
  config: { store: { path: '.weft/example-readings.db' } },
});
