/**
 * The `weft` bin on a Node older than weft needs: it re-runs itself with the
 * Node that scripts/node.sh provisioned in the repository (exit code and
 * signal passed on), and says what to do when there is none; and its message
 * when the package was never built.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, cleanup, project, REPO, waitFor } from './fixtures/cli/harness.ts';

interface OldNode {
  readonly path: string;
  readonly version: string;
  readonly execPath: string;
}

/** A Node older than 22.18 on this machine (`which -a node`, then the usual places), if any. */
function findOldNode(): OldNode | undefined {
  const which = spawnSync('which', ['-a', 'node'], { encoding: 'utf8' }).stdout ?? '';
  const candidates = [...which.split('\n'), '/usr/bin/node', '/usr/local/bin/node'];
  for (const path of new Set(candidates.filter((p) => p !== ''))) {
    const r = spawnSync(path, ['-p', 'process.versions.node + " " + process.execPath'], {
      encoding: 'utf8',
    });
    if (r.status !== 0) continue;
    const [version = '', execPath = ''] = r.stdout.trim().split(' ');
    const [major = 0, minor = 0] = version.split('.').map(Number);
    if (major < 22 || (major === 22 && minor < 18)) return { path, version, execPath };
  }
  return undefined;
}

const OLD = findOldNode();
const SKIPPED = OLD === undefined ? ' (skipped: no Node older than 22.18 on this machine)' : '';
const VERSION = (
  JSON.parse(readFileSync(join(REPO, 'packages/core/package.json'), 'utf8')) as {
    version: string;
  }
).version;

const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A new directory under the system's temp dir, outside the repository. */
function tempDir(): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'weft-bin-')));
  made.push(dir);
  return dir;
}

/** A user's environment with the old Node first on PATH and no provisioned Node on it. */
function oldNodeEnv(old: OldNode): NodeJS.ProcessEnv {
  const rest = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((p) => !p.includes(join('.cache', 'node')));
  return cleanEnv({ PATH: [dirname(old.path), ...rest].join(delimiter) });
}

/** A copy of bin/weft.js in `<dir>/pkg/bin`, in an ES module package without dist/. */
function copiedBin(dir: string): string {
  mkdirSync(join(dir, 'pkg', 'bin'), { recursive: true });
  writeFileSync(join(dir, 'pkg', 'package.json'), '{ "type": "module" }\n');
  const bin = join(dir, 'pkg', 'bin', 'weft.js');
  copyFileSync(BIN, bin);
  return bin;
}

function run(node: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv) {
  return spawnSync(node, args, { cwd, env, encoding: 'utf8', timeout: 30_000 });
}

describe.skipIf(OLD === undefined)(`weft on an old Node${SKIPPED}`, () => {
  const old = OLD!;

  it('re-runs itself with the provisioned Node: --version prints the version, exit 0', () => {
    const r = run(old.path, [BIN, '--version'], tempDir(), oldNodeEnv(old));
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(VERSION);
    expect(r.status).toBe(0);
  });

  it('runs a TypeScript workflow under the provisioned Node and passes on the exit code and a signal', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(
      join(dir, 'node.ts'),
      `import { writeFileSync } from 'node:fs';
export default async function main(): Promise<void> {
  writeFileSync('node.txt', process.versions.node);
}
`,
    );
    writeFileSync(
      join(dir, 'die.ts'),
      "export default async function main() {\n  process.kill(process.pid, 'SIGKILL');\n}\n",
    );
    const env = oldNodeEnv(old);
    const ok = run(old.path, [BIN, 'run', 'node.ts', '--quiet'], dir, env);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    const [major, minor] = readFileSync(join(dir, 'node.txt'), 'utf8').split('.').map(Number);
    expect(major! > 22 || (major === 22 && minor! >= 18)).toBe(true);

    const usage = run(old.path, [BIN, 'run', 'missing.ts'], dir, env);
    expect(usage.stderr).toContain('workflow file not found');
    expect(usage.status).toBe(2);

    // SIGKILL, which weft cannot handle: the re-run dies of it, and so must the bin.
    const killed = run(old.path, [BIN, 'run', 'die.ts', '--quiet'], dir, env);
    expect(killed.signal).toBe('SIGKILL');
  });

  it('passes SIGTERM sent to it alone on to the re-run, which stops the run as Ctrl-C does', async () => {
    const dir = project();
    writeFileSync(join(dir, 'hold'), '');
    const child = spawn(old.path, [BIN, 'run', 'steps.ts', '--json'], {
      cwd: dir,
      env: oldNodeEnv(old),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    const exited = new Promise<number | null>((resolve) =>
      child.on('close', (code) => resolve(code)),
    );
    await waitFor(() => stdout.includes('"type":"started"'), 'a task to start');
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    cleanup();
  });

  it('exits 2 naming `. scripts/node.sh` when no provisioned Node is found above it', () => {
    const dir = tempDir();
    const r = run(old.path, [copiedBin(dir), '--version'], dir, oldNodeEnv(old));
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `error: weft needs Node 22.18 or newer (it runs TypeScript workflows through Node's type stripping and stores runs with node:sqlite); this is Node ${old.version} (${old.execPath}).\n` +
        'In a clone of the weft repository, run this line in your shell; it installs Node 24 into .cache/node and puts it first on PATH for that shell:\n' +
        '  . scripts/node.sh\n' +
        'Otherwise install Node 22.18 or newer (https://nodejs.org).\n',
    );
    expect(r.status).toBe(2);
  });
});

describe('weft from a package that was not built', () => {
  it('exits 2 saying it is not built and how to build it', () => {
    const dir = tempDir();
    const r = run(process.execPath, [copiedBin(dir), '--version'], dir, cleanEnv());
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `error: weft is not built: ${join(dir, 'pkg', 'dist', 'cli', 'main.js')} is missing.\n` +
        'In a clone of the weft repository, build it at the root with `npm run build` (or `npx tsc -b`); ' +
        'in another project, install the packed package instead (`npm pack` in packages/core builds it and writes weft-core-<version>.tgz; then `npm install /path/to/weft-core-<version>.tgz`).\n',
    );
    expect(r.status).toBe(2);
  });
});
