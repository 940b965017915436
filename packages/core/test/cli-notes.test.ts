/**
 * What the weft command says instead of acting silently: a dry run that
 * stopped where main awaits a result, an unknown --param when the workflow
 * has a params schema, -j alone choosing the in-process executor; and
 * `weft show` keeping long labels from widening every row.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { table } from '../src/cli/table.js';
import { cleanup, project, weft } from './fixtures/cli/harness.ts';

afterAll(cleanup);

const fixture = (name: string) => new URL(`./fixtures/cli/${name}`, import.meta.url).pathname;

describe('the weft command says what it did', () => {
  it('--dry-run: main waits for a result, so the graph is what it submitted before', async () => {
    const dir = project();
    copyFileSync(fixture('awaits.ts'), join(dir, 'awaits.ts'));
    const r = await weft(['run', 'awaits.ts', '--dry-run', '--format', 'json'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      "note: main was still waiting when the dry run stopped (it awaits a task's result, which a dry run never has): the graph shows the 1 task main submitted before that",
    );
    expect((JSON.parse(r.stdout) as { nodes: unknown[] }).nodes).toHaveLength(1);
    const whole = await weft(['run', 'steps.ts', '--dry-run'], dir);
    expect(whole.stderr).not.toContain('still waiting');
  });

  it('refuses a --param the workflow schema does not take', async () => {
    const dir = project();
    const r = await weft(
      ['run', 'with-params.ts', '--param', 'count=2', '--param', 'cuont=3'],
      dir,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `error: unknown param "cuont": the workflow's params schema does not take it (it gives: count, name)`,
    );
  });

  it('says what -j alone does', async () => {
    const dir = project();
    const r = await weft(['run', 'steps.ts', '-j', '2'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('note: -j 2 alone runs tasks in this process, 2 at a time');
    const quiet = await weft(['run', 'steps.ts', '-j', '2', '--quiet'], dir);
    expect(quiet.stderr).not.toContain('note:');
  });
});

describe('a table column with a maximum width', () => {
  it('cuts longer cells and keeps the other rows narrow', () => {
    const rows = [{ label: 'short' }, { label: 'a label far longer than any column should be' }];
    const text = table([{ header: 'label', value: (r) => r.label, max: 12 }], rows, {
      paint: (_s, t) => t,
    });
    expect(text.split('\n')).toEqual(['label', 'short', 'a label far…', '']);
  });
});
