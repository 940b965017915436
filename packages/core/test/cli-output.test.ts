/**
 * What `weft run` and `weft show` print: a failed command's stderr tail in
 * full, not its first line.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, project, weft } from './fixtures/cli/harness.ts';

afterAll(cleanup);

const fixture = new URL('./fixtures/cli/loud.ts', import.meta.url).pathname;

function loudProject(): string {
  const dir = project();
  copyFileSync(fixture, join(dir, 'loud.ts'));
  return dir;
}

describe('a failed command', () => {
  it("shows its stderr tail in weft run's plain output and in weft show", async () => {
    const dir = loudProject();
    const r = await weft(['run', 'loud.ts', '--param', 'fail=1'], dir);
    expect(r.code).toBe(1);
    for (const line of ['first', 'second', 'the last line']) expect(r.stderr).toContain(line);
    const runs = JSON.parse((await weft(['runs', '--json'], dir)).stdout) as { id: string }[];
    const show = await weft(['show', runs[0]!.id], dir);
    expect(show.stdout).toContain('noisy #0 failed');
    for (const line of ['first', 'second', 'the last line']) expect(show.stdout).toContain(line);
  });
});
