/**
 * MPI command tasks under the local executors: `ranks` starts the program
 * through Open MPI's mpirun as that many processes (each sees its rank),
 * takes that many cpus, and a task with more ranks than the executor has
 * cpus is refused at submit.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, submit } from '@weft/core';
import { describe, expect, it } from 'vitest';
import { ranks2, tooMany } from './fixtures/mpi/ranks.ts';

function hasMpirun(): boolean {
  try {
    execFileSync('mpirun', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const mpi = hasMpirun();
if (!mpi) {
  console.warn(
    'command-mpi: skipped: mpirun is not installed (scripts/slurm.sh start installs openmpi-bin)',
  );
}

describe('MPI command tasks', () => {
  it('compiles ranks into cpus and keeps it in the record', () => {
    expect(ranks2.options.requirements).toMatchObject({ ranks: 2, record: { cpus: 2, ranks: 2 } });
    expect(ranks2.options.requirements?.names).toEqual(['cpus']);
  });

  it('refuses ranks that are not a whole number from 1', async () => {
    const { command } = await import('@weft/core');
    expect(() => command({ name: 'bad', ranks: 0 }, { argv: ['true'] })).toThrow(
      'task bad: requirement ranks (MPI ranks) must be a whole number from 1, got 0',
    );
  });

  it.skipIf(!mpi)('runs the program as that many ranks through mpirun', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weft-mpi-'));
    const result = await run(() => submit(ranks2, dir), {
      executor: { kind: 'inline', resources: { cpus: 2 } },
      record: false,
    });
    expect(result.exitCode).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['rank-0', 'rank-1']);
    expect(readFileSync(join(dir, 'rank-1'), 'utf8')).toBe('rank 1 of 2\n');
  });

  it('refuses at submit an MPI task with more ranks than the executor has cpus', async () => {
    const error = await run(() => submit(tooMany, '/tmp'), {
      executor: { kind: 'inline', resources: { cpus: 2 } },
      record: false,
    }).catch((e: Error) => e);
    expect((error as Error).message).toContain(
      'requires cpus=64 but executor "inline" offers at most cpus=2',
    );
  });
});
