/**
 * The plugin surface, as a user meets it: a project that declares a plugin
 * package gets its commands and executor kinds in `weft`; a plugin listed
 * in weft.config.ts is loaded from the project; nothing undeclared or
 * outside the project is loaded, however it tries. The plugins are built on
 * @weft/core's public exports only (test/fixtures/plugins).
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, REPO, weft } from './fixtures/cli/harness.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/plugins/', import.meta.url));
const made: string[] = [];

afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/**
 * A project with its own package.json declaring `deps`, the fixture plugins
 * installed in its node_modules (declared or not), and @weft/core linked.
 */
function pluginProject(deps: readonly string[], config?: string): string {
  const base = join(REPO, '.cache', 'cli-tests');
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, 'plugins-'));
  made.push(dir);
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name: 'plugin-user',
      type: 'module',
      dependencies: Object.fromEntries(deps.map((d) => [d, '*'])),
    }),
  );
  const scope = join(dir, 'node_modules', '@weft');
  mkdirSync(scope, { recursive: true });
  symlinkSync(join(REPO, 'packages', 'core'), join(scope, 'core'));
  for (const p of ['tiny', 'evil', 'sneaky'])
    cpSync(join(FIXTURES, p), join(scope, p), { recursive: true });
  cpSync(join(FIXTURES, 'local-plugin.ts'), join(dir, 'local-plugin.ts'));
  writeFileSync(
    join(dir, 'wf.ts'),
    [
      "import { submit, task } from '@weft/core';",
      "export const double = task('double', async (_ctx, x: number) => x * 2);",
      'export default async function main() {',
      '  return submit(double, 21);',
      '}',
      '',
    ].join('\n'),
  );
  if (config !== undefined) writeFileSync(join(dir, 'weft.config.ts'), config);
  return dir;
}

const env = cleanEnv();

describe('plugins declared by the project', () => {
  it("adds the plugin's command to weft --help and runs it", async () => {
    const dir = pluginProject(['@weft/tiny']);
    const help = await weft(['--help'], dir, env);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('tiny-runs');
    expect(help.stdout).toContain('count the recorded runs (a command of the tiny');
    const own = await weft(['tiny-runs', '--help'], dir, env);
    expect(own.stdout).toContain('$ weft tiny-runs');
    const none = await weft(['tiny-runs'], dir, env);
    expect(none.stdout).toBe('tiny: 0 runs\n');
  });

  it("runs a workflow on the plugin's executor kind, and the run records it", async () => {
    const dir = pluginProject(['@weft/tiny']);
    const r = await weft(['run', 'wf.ts', '--executor', 'tiny', '--quiet'], dir, env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const count = await weft(['tiny-runs'], dir, env);
    expect(count.stdout).toBe('tiny: 1 runs, executors tiny\n');
  });

  it('loads nothing with WEFT_NO_PLUGINS=1', async () => {
    const dir = pluginProject(['@weft/tiny']);
    const help = await weft(['--help'], dir, cleanEnv({ WEFT_NO_PLUGINS: '1' }));
    expect(help.stdout).not.toContain('tiny-runs');
  });
});

describe('a plugin listed in weft.config.ts', () => {
  it('is loaded from a path inside the project', async () => {
    const config = [
      "import { defineConfig, resourceSet } from '@weft/core';",
      "export default defineConfig({ modes: { dev: resourceSet({}) }, plugins: ['./local-plugin.ts'] });",
      '',
    ].join('\n');
    const dir = pluginProject([], config);
    const r = await weft(['local-hello', 'plugins'], dir, env);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('hello, plugins\n');
  });
});

describe('what plugin discovery refuses', () => {
  it('does not load a package that is installed but not declared', async () => {
    const dir = pluginProject(['@weft/tiny']);
    const help = await weft(['--help'], dir, env);
    expect(help.code).toBe(0);
    expect(existsSync(join(dir, 'LOADED-EVIL'))).toBe(false);
  });

  it('refuses a declared package whose plugin module lies outside it', async () => {
    const dir = pluginProject(['@weft/sneaky']);
    const r = await weft(['runs'], dir, env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'error: plugin @weft/sneaky: its module ../evil/plugin.js is not a file inside the package',
    );
    expect(existsSync(join(dir, 'LOADED-EVIL'))).toBe(false);
  });

  it('refuses a path in weft.config.ts that leaves the project, also through a symlink', async () => {
    const outside = mkdtempSync(join(REPO, '.cache', 'cli-tests', 'outside-'));
    made.push(outside);
    writeFileSync(join(outside, 'p.js'), "throw new Error('must not run');\n");
    for (const entry of [`'${join(outside, 'p.js')}'`, "'../outside.js'", "'./link.js'"]) {
      const config = [
        "import { defineConfig, resourceSet } from '@weft/core';",
        `export default defineConfig({ modes: { dev: resourceSet({}) }, plugins: [${entry}] });`,
        '',
      ].join('\n');
      const dir = pluginProject([], config);
      writeFileSync(join(dir, '..', 'outside.js'), "throw new Error('must not run');\n");
      symlinkSync(join(outside, 'p.js'), join(dir, 'link.js'));
      const r = await weft(['runs'], dir, env);
      expect(r.code, entry).toBe(2);
      expect(r.stderr, entry).toMatch(/plugin .* is not a file inside .*; refusing to load it/);
      expect(r.stderr, entry).not.toContain('must not run');
    }
  });
});
