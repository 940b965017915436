/**
 * @module
 * What one node of the cluster offers at most (cpus, memory, gpus), from
 * `sinfo`: a task that needs more than the largest node is refused at
 * submit, since it could never run.
 */
import { slurmOk } from './commands.ts';
import { SlurmOptionsError } from './errors.ts';

/** The largest amounts one node offers. */
export interface NodeLimits {
  readonly cpus: number;
  readonly memoryMb: number;
  readonly gpus: number;
}

/** The cluster's largest node, resource by resource (of `partition`, if given). */
export async function nodeLimits(partition: string | undefined): Promise<NodeLimits> {
  const args = ['-h', '-N', '-o', '%N|%c|%m|%G'];
  if (partition !== undefined) args.push('-p', partition);
  const out = await slurmOk('sinfo', args);
  let cpus = 0;
  let memoryMb = 0;
  let gpus = 0;
  let nodes = 0;
  for (const line of out.split('\n')) {
    const [, c, m, g] = line.trim().split('|');
    if (c === undefined) continue;
    nodes++;
    cpus = Math.max(cpus, Number.parseInt(c, 10) || 0);
    memoryMb = Math.max(memoryMb, Number.parseInt(m ?? '', 10) || 0);
    gpus = Math.max(gpus, gpuCount(g ?? ''));
  }
  if (nodes === 0 && partition !== undefined) {
    const known = (await slurmOk('sinfo', ['-h', '-o', '%R']))
      .split('\n')
      .filter((p) => p.trim() !== '');
    throw new SlurmOptionsError(
      `slurm executor: sbatch.partition ${JSON.stringify(partition)}: Slurm lists no nodes in it ` +
        `(its partitions: ${[...new Set(known)].join(', ') || 'none'})`,
    );
  }
  return { cpus, memoryMb, gpus };
}

/** GPUs in a node's gres (`gpu:4`, `gpu:a100:2(S:0-1)`, `(null)`). */
function gpuCount(gres: string): number {
  let n = 0;
  for (const part of gres.split(',')) {
    const m = /^gpu(?::[^:(]+)?:(\d+)/.exec(part.trim());
    if (m !== null) n += Number(m[1]);
  }
  return n;
}
