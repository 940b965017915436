/**
 * The reading commands read the run store of the mode, as runs record in it:
 * a mode whose runStore is another SQLite file is listed by `weft runs`,
 * shown by `weft show`, without --store.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, project, weft } from './fixtures/cli/harness.ts';

afterAll(cleanup);

const CONFIG = `
import { defineConfig, resourceSet, sqliteRunStore } from '@weft/core';
export default defineConfig({
  modes: {
    dev: resourceSet({ runStore: sqliteRunStore({ path: 'records/dev.db' }) }),
    other: resourceSet({ runStore: sqliteRunStore({ path: 'records/other.db' }) }),
  },
  defaultMode: 'dev',
});
`;

describe("the reading commands and the mode's run store", () => {
  it('list and show the runs of the default mode, and of --mode', async () => {
    const dir = project();
    writeFileSync(join(dir, 'weft.config.ts'), CONFIG);
    const ran = await weft(['run', 'steps.ts', '--quiet'], dir);
    expect(ran.code).toBe(0);
    expect(existsSync(join(dir, 'records', 'dev.db'))).toBe(true);
    expect(existsSync(join(dir, '.weft', 'weft.db'))).toBe(false);

    const runs = await weft(['runs', '--json'], dir);
    const listed = JSON.parse(runs.stdout) as { id: string; mode: string }[];
    expect(listed.map((r) => r.mode)).toEqual(['dev']);
    const show = await weft(['show', listed[0]!.id], dir);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain(listed[0]!.id);

    const other = await weft(['runs', '--mode', 'other'], dir);
    expect(other.code).toBe(0);
    expect(other.stderr).toContain('no runs recorded in');
    expect(other.stderr).toContain('runStore of mode other');

    const unknown = await weft(['runs', '--mode', 'nope'], dir);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('mode "nope" is not defined');
  });

  it('rerun and resume find a run in the runStore of the mode --mode names', async () => {
    const dir = project();
    writeFileSync(join(dir, 'weft.config.ts'), CONFIG);
    const ran = await weft(['run', 'steps.ts', '--quiet', '--mode', 'other'], dir);
    expect(ran.code, ran.stderr).toBe(0);
    const runs = await weft(['runs', '--json', '--mode', 'other'], dir);
    const [first] = JSON.parse(runs.stdout) as { id: string }[];
    // Not in the default mode's store: said so, naming it.
    const lost = await weft(['rerun', first!.id, '--quiet'], dir);
    expect(lost.code).toBe(2);
    expect(lost.stderr).toContain(`no run "${first!.id}" is recorded`);
    const again = await weft(['rerun', first!.id, '--quiet', '--mode', 'other'], dir);
    expect(again.code, again.stderr).toBe(0);
    const after = await weft(['runs', '--json', '--mode', 'other'], dir);
    expect((JSON.parse(after.stdout) as unknown[]).length).toBe(2);
  });
});
