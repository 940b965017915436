/**
 * weft used from another project, as the README's "Use weft in your project"
 * says: `npm pack` in packages/core, a new project that installs the
 * tarball, the README's first workflow run with `npx weft`, and the errors
 * of the two usual first mistakes (import syntax in a CommonJS project, an
 * enum in a .ts workflow).
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, REPO } from './fixtures/cli/harness.ts';

/** The environment a user's shell has: Node 24 first on PATH, none of npm's or vitest's variables. */
function userEnv(): NodeJS.ProcessEnv {
  const env = cleanEnv({
    PATH: [dirname(process.execPath), process.env.PATH ?? ''].join(delimiter),
  });
  for (const k of Object.keys(env)) if (/^(npm_|INIT_CWD$)/i.test(k)) delete env[k];
  return env;
}

function sh(command: string, args: readonly string[], cwd: string) {
  return spawnSync(command, args, { cwd, env: userEnv(), encoding: 'utf8', timeout: 100_000 });
}

/** npm's words for a registry it could not reach in time (the install fetches what its cache lacks). */
const NETWORK_TROUBLE =
  /\b(ETIMEDOUT|ECONNRESET|ECONNREFUSED|EAI_AGAIN|ENOTFOUND|socket hang up)\b/;

/**
 * Runs npm and fails with its output when it fails. A run that timed out or
 * could not reach the registry is tried once more: on a fresh machine the
 * registry has stalled an install for over 100 s that took 13 s when run again.
 */
function npm(args: readonly string[], cwd: string): void {
  let r = sh('npm', args, cwd);
  const timedOut = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
  const stalled = timedOut || NETWORK_TROUBLE.test(r.stderr ?? '');
  if (r.status !== 0 && stalled) r = sh('npm', args, cwd);
  if (r.status !== 0) {
    const why = r.error === undefined ? '' : ` (${r.error.message})`;
    throw new Error(`npm ${args.join(' ')} failed${why}:\n${r.stdout}\n${r.stderr}`);
  }
}

/** The first `ts` code block of the README's "Use weft in your project" section. */
function readmeWorkflow(): string {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const section = readme.split('\n## Use weft in your project\n')[1]?.split('\n## ')[0] ?? '';
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (code === undefined)
    throw new Error('the README has no workflow in "Use weft in your project"');
  return code;
}

let root = '';
let project = '';
let weft = '';

beforeAll(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'weft-use-')));
  npm(['pack', '--pack-destination', root], join(REPO, 'packages/core'));
  const tarball = readdirSync(root).find((f) => f.endsWith('.tgz'));
  if (tarball === undefined) throw new Error('npm pack wrote no tarball');
  project = join(root, 'project');
  mkdirSync(project);
  npm(['init', '-y'], project);
  npm(['pkg', 'set', 'type=module'], project);
  npm(['install', join(root, tarball), '--no-audit', '--no-fund', '--prefer-offline'], project);
  weft = join(project, 'node_modules', '.bin', 'weft');
}, 240_000);

afterAll(() => {
  if (root !== '') rmSync(root, { recursive: true, force: true });
});

describe('weft in a project of its own', () => {
  it('installs built from the packed tarball and runs the README workflow', () => {
    expect(existsSync(join(project, 'node_modules/@weft/core/dist/cli/main.js'))).toBe(true);
    writeFileSync(join(project, 'workflow.ts'), readmeWorkflow());
    const r = sh(weft, ['run', 'workflow.ts', '--quiet'], project);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const runs = sh(weft, ['runs', '--json'], project);
    expect(runs.status).toBe(0);
    const listed = JSON.parse(runs.stdout) as { workflow: string; state: string }[];
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({
      workflow: join(project, 'workflow.ts'),
      state: 'succeeded',
    });
  });

  it('exits 2 on import syntax in a CommonJS project, saying to add "type": "module"', () => {
    const cjs = join(root, 'cjs-project');
    mkdirSync(cjs);
    writeFileSync(
      join(cjs, 'package.json'),
      `${JSON.stringify({ name: 'cjs-project', type: 'commonjs' })}\n`,
    );
    writeFileSync(
      join(cjs, 'wf.js'),
      "import { submit } from '@weft/core';\n\nexport default async function main() {}\n",
    );
    const r = sh(weft, ['run', 'wf.js'], cjs);
    expect(r.stderr).toContain(
      `error: could not import the workflow ${join(cjs, 'wf.js')}: it uses import/export syntax, ` +
        `but Node loads it as CommonJS because its nearest package.json, ${join(cjs, 'package.json')}, ` +
        `does not say "type": "module". Add "type": "module" to the project's package.json, ` +
        'or name the file .mjs (.mts for TypeScript).\n',
    );
    expect(r.status).toBe(2);
  });

  it("exits 2 on an enum, saying it is beyond Node's type stripping and what to write", () => {
    const file = join(project, 'colors.ts');
    writeFileSync(
      file,
      'enum Color {\n  Red,\n  Green,\n}\n\nexport default async function main() {\n  return Color.Red;\n}\n',
    );
    const r = sh(weft, ['run', 'colors.ts'], project);
    expect(r.stderr).toContain(
      `error: could not import the workflow ${file}: it uses a TypeScript enum, which Node cannot strip. ` +
        "weft runs .ts files through Node's type stripping, which supports only erasable syntax " +
        '(no enum, namespace or parameter properties). ' +
        "Use a union of string literals (type Color = 'red' | 'green') or a const object " +
        "(const Color = { Red: 'red' } as const) instead of the enum.\n",
    );
    expect(r.stderr).toContain('enum Color {');
    expect(r.status).toBe(2);
  });
});
