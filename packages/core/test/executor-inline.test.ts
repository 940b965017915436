import { createInlineExecutor } from '@weft/core';
import { runExecutorContract } from '@weft/core/testing';

runExecutorContract({ name: 'inline', create: () => createInlineExecutor() });

runExecutorContract({
  name: 'inline (2 slots, 2 cpus)',
  create: () => createInlineExecutor({ concurrency: 2, resources: { cpus: 2 } }),
});

runExecutorContract({
  name: 'inline (1 slot)',
  create: () => createInlineExecutor({ concurrency: 1 }),
});
