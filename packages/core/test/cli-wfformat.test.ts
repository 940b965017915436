/**
 * `weft run trace.json` and `weft export` as a user runs them (the built
 * bin/weft.js, spawned): a WfFormat instance runs with its flags and ends
 * with its makespan beside the lower bound; a run exports as WfFormat 1.5;
 * malformed instances and misplaced flags are usage errors that say why.
 */
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, parseEvents, project, weft } from './fixtures/cli/harness.ts';

afterEach(cleanup);

const FIXTURES = new URL('./fixtures/wfformat/', import.meta.url);

/** A project without a config file, with the v1.5 fixture as `trace.json`. */
function withTrace(): string {
  const dir = project({ config: false });
  copyFileSync(new URL('v1.5.json', FIXTURES), join(dir, 'trace.json'));
  return dir;
}

describe('weft run <instance>.json', () => {
  it('runs the instance and prints its makespan beside the lower bound', async () => {
    const dir = withTrace();
    const r = await weft(['run', 'trace.json', '--cores', '2', '--time-scale', '0.001'], dir);
    expect(r.stderr).toContain(
      'run trace.json (WfFormat 1.5: 5 tasks, simulate, 2 cores, time scale 0.001)',
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /makespan \S+ m?s = \d+\.\d\dx the lower bound 7\.0 ms \(by ramps; critical path 6\.0 ms, work 0\.011 core-s \/ 2 cores\)/,
    );
    expect(r.stdout).not.toContain('result:');
  });

  it('gives the report as the result with --json, and exports the run as WfFormat 1.5', async () => {
    const dir = withTrace();
    const r = await weft(['run', 'trace.json', '--cores', '2', '--time-scale', '0', '--json'], dir);
    expect(r.code).toBe(0);
    const events = parseEvents(r.stdout);
    const result = events.at(-1)!;
    expect(result).toMatchObject({ type: 'result', value: { tasks: 5, succeeded: 5, cores: 2 } });
    const e = await weft(['export', result.runId, '--format', 'wfformat'], dir);
    expect(e.code).toBe(0);
    const doc = JSON.parse(e.stdout);
    expect(doc.schemaVersion).toBe('1.5');
    const tasks = doc.workflow.specification.tasks as { id: string; name: string }[];
    expect(tasks.map((t) => t.id).sort()).toEqual([
      'align_ID0000002',
      'align_ID0000003',
      'merge_ID0000004',
      'report_ID0000005',
      'split_ID0000001',
    ]);
    expect(tasks.find((t) => t.id === 'merge_ID0000004')!.name).toBe('merge');
  });

  it('prints the whole graph with --dry-run, without a note that main was waiting', async () => {
    const dir = withTrace();
    const r = await weft(['run', 'trace.json', '--dry-run', '--format', 'json'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('note:');
    expect(JSON.parse(r.stdout).nodes).toHaveLength(5);
  });

  it('exits 2 naming the task and the field of a malformed instance', async () => {
    const dir = project({ config: false });
    const doc = {
      name: 'bad',
      schemaVersion: '1.4',
      workflow: {
        makespanInSeconds: 1,
        executedAt: 'now',
        tasks: [
          { name: 'a', type: 'compute', parents: [] },
          { name: 'b', type: 'compute', parents: ['a', 'c'] },
        ],
      },
    };
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(doc));
    const r = await weft(['run', 'bad.json'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `error: ${join(dir, 'bad.json')}: task "b", field parents[1]: names "c", which is no task of the instance`,
    );
  });

  it('exits 2 for JSON that is no instance, and for instance flags given to a module', async () => {
    const dir = project({ config: false });
    writeFileSync(join(dir, 'data.json'), '{"rows": []}');
    const r = await weft(['run', 'data.json'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is not a WfFormat instance (it has no schemaVersion and workflow)');
    const m = await weft(['run', 'steps.ts', '--time-scale', '0.5', '--replay', 'files'], dir);
    expect(m.code).toBe(2);
    expect(m.stderr).toContain(
      `error: --replay, --time-scale: only for a WfFormat instance (.json), and ${join(dir, 'steps.ts')} is a workflow module`,
    );
  });
});
