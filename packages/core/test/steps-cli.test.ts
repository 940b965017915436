/**
 * A module whose default export is a graph of steps, as a user runs it
 * (the built bin/weft.js, spawned, in a project): `weft run` runs it with
 * `--param`, records it and skips its steps the second time, `weft resume`
 * continues it; `weft graph`
 * prints its steps and their edges before anything runs; a graph that is
 * wrong is refused as a usage error (exit 2) naming the loop.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanEnv, cleanup, parseEvents, project, weft } from './fixtures/cli/harness.ts';

afterEach(cleanup);

const FIXTURES = new URL('./fixtures/steps/', import.meta.url);

function graphProject(): string {
  const dir = project({ config: false });
  for (const f of ['etl.ts', 'loop.ts']) copyFileSync(new URL(f, FIXTURES), join(dir, f));
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  return dir;
}

function ranSteps(dir: string): string[] {
  try {
    return readFileSync(join(dir, 'steps.log'), 'utf8').trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

describe('a graph module', () => {
  it('runs with weft run, recorded, and is skipped the second time', async () => {
    const dir = graphProject();
    const env = cleanEnv({ STEPS_LOG: join(dir, 'steps.log') });
    const first = await weft(['run', 'etl.ts', '--param', 'n=4', '--json'], dir, env);
    expect(first.code).toBe(0);
    const events = parseEvents(first.stdout);
    const result = events.find((e) => e.type === 'result') as unknown as {
      value: Record<string, unknown>;
    };
    expect(result.value).toMatchObject({
      load: { numbers: [1, 2, 3, 4] },
      sum: { total: 20 },
      write: { report: join(dir, 'out/report.txt') },
    });
    expect(readFileSync(join(dir, 'out/report.txt'), 'utf8')).toBe('total 20\n');
    expect(ranSteps(dir)).toEqual(['load', 'double', 'sum', 'write']);
    // The doubling step's pool: a no-op under the default executor, with a warning.
    expect(
      events.filter((e) => e.type === 'log' && e.level === 'warn').map((e) => e.message),
    ).toEqual([
      expect.stringContaining(
        'the pool option is ignored: tasks that ask for pool "heavy" (the first: etl.double#1)',
      ),
    ]);
    const second = await weft(['run', 'etl.ts', '--param', 'n=4', '--json'], dir, env);
    expect(second.code).toBe(0);
    const cached = parseEvents(second.stdout).filter((e) => e.type === 'cached');
    expect(cached.map((e) => e.name)).toEqual(['etl.load', 'etl.double', 'etl.sum', 'etl.write']);
    expect(ranSteps(dir)).toHaveLength(4);
  });

  it('resumes with weft resume, running only the steps that had not succeeded', async () => {
    const dir = graphProject();
    const log = join(dir, 'steps.log');
    const failed = await weft(
      ['run', 'etl.ts', '--json'],
      dir,
      cleanEnv({ STEPS_LOG: log, STEPS_FAIL: 'sum' }),
    );
    expect(failed.code).toBe(1);
    expect(ranSteps(dir)).toEqual(['load', 'double', 'sum']);
    const runId = parseEvents(failed.stdout)[0]!.runId;
    const resumed = await weft(['resume', runId, '--json'], dir, cleanEnv({ STEPS_LOG: log }));
    expect(resumed.code).toBe(0);
    expect(ranSteps(dir)).toEqual(['load', 'double', 'sum', 'sum', 'write']);
    expect(readFileSync(join(dir, 'out/report.txt'), 'utf8')).toBe('total 12\n');
  });

  it('prints its graph with weft graph, running nothing', async () => {
    const dir = graphProject();
    const env = cleanEnv({ STEPS_LOG: join(dir, 'steps.log') });
    const r = await weft(['graph', 'etl.ts', '--format', 'json'], dir, env);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const g = JSON.parse(r.stdout) as {
      nodes: { id: number; name: string }[];
      edges: [number, number][];
    };
    expect(g.nodes.map((n) => n.name)).toEqual(['etl.load', 'etl.double', 'etl.sum', 'etl.write']);
    expect(g.edges).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
    ]);
    expect(ranSteps(dir)).toEqual([]);
    const text = await weft(['graph', 'etl.ts'], dir, env);
    expect(text.stdout).toContain('etl.load');
    expect(text.stdout).toContain('n0 --> n1');
  });

  it('refuses a graph whose steps wait on each other in a loop, as a usage error', async () => {
    const dir = graphProject();
    for (const cmd of ['graph', 'run']) {
      const r = await weft([cmd, 'loop.ts'], dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        `${join(dir, 'loop.ts')}: graph loop: steps wait on each other in a loop: first -(a)-> second -(b)-> first`,
      );
    }
  });
});
