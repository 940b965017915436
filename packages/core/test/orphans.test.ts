/**
 * A killed coordinator leaves no work running: after SIGKILL of `weft run`,
 * its programs and workers die (under every executor), no side effect is
 * written afterwards, and a resume starts only once nothing of the earlier
 * session lives.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { awaitOrphans, findOrphans } from '../src/coordinator/orphans.js';
import { cleanup, project, runIdOf, start, waitFor, weft } from './fixtures/cli/harness.ts';

afterAll(cleanup);

const here = new URL('./fixtures/cli/', import.meta.url).pathname;

describe.each(['inline', 'threads', 'processes'])('SIGKILL of weft run (%s)', (executor) => {
  it('stops its programs and workers, and resume waits for nothing left behind', async () => {
    const dir = project();
    copyFileSync(join(here, 'orphans.ts'), join(dir, 'orphans.ts'));
    const run = start(['run', 'orphans.ts', '--json', '--executor', executor], dir);
    const mark = `${hostname()}:${run.child.pid}`;
    // The program runs once a sleep marked as this run's exists.
    await waitFor(
      () => findOrphans(mark).some((o) => o.command.startsWith('sleep 30')),
      'the sleep program to start',
    );
    const id = runIdOf(run.out)!;
    run.child.kill('SIGKILL');
    await run.exited;
    await waitFor(() => findOrphans(mark).length === 0, 'every process of the run to die', 5000);
    // The late task would have written by now, had its worker lived on.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(existsSync(join(dir, 'late-effect.txt'))).toBe(false);
    expect(findOrphans(mark)).toEqual([]);

    writeFileSync(join(dir, 'short'), '');
    const resumed = await weft(['resume', id, '--quiet'], dir);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(existsSync(join(dir, 'late-effect.txt'))).toBe(true);
  }, 60_000);
});

describe('a resume beside a lingering process of the earlier session', () => {
  it('is refused, naming the process and how to stop it', async () => {
    const mark = `${hostname()}:999999`;
    const lingering = spawn('sleep', ['20'], { env: { ...process.env, WEFT_COORDINATOR: mark } });
    try {
      await waitFor(() => findOrphans(mark).length === 1, 'the marked process to start');
      const error = await awaitOrphans('r1', mark, 200).then(
        () => undefined,
        (e: unknown) => e as Error & { code: string },
      );
      expect(error?.code).toBe('WEFT_RUN_PROCESSES_ALIVE');
      expect(error?.message).toBe(
        `run r1 cannot be resumed yet: processes of its earlier session are still running: pid ${lingering.pid} (sleep 20); stop them (kill ${lingering.pid}) before resuming`,
      );
    } finally {
      lingering.kill('SIGKILL');
    }
    await waitFor(() => findOrphans(mark).length === 0, 'the marked process to end');
    await awaitOrphans('r1', mark, 200);
  });
});
