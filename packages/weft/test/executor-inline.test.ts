import { inline } from 'weft';
import { runExecutorContract } from 'weft/testing';

runExecutorContract({ name: 'inline', create: () => inline() });

runExecutorContract({
  name: 'inline (2 slots, 2 cpus)',
  create: () => inline({ concurrency: 2, resources: { cpus: 2 } }),
});

runExecutorContract({ name: 'inline (1 slot)', create: () => inline({ concurrency: 1 }) });
