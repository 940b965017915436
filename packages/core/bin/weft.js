#!/usr/bin/env node
// The `weft` command. Plain JavaScript that old Node versions still parse, so
// that on a Node older than weft needs it can re-run itself with the Node
// that scripts/node.sh provisioned in a clone of the repository, or say what
// to do. It runs the built JavaScript (dist/): Node does not strip TypeScript
// types from files under node_modules.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MIN_MAJOR = 22;
const MIN_MINOR = 18;
const self = fileURLToPath(import.meta.url);

function newEnough(version) {
  const [major, minor] = version.split('.').map(Number);
  return major > MIN_MAJOR || (major === MIN_MAJOR && minor >= MIN_MINOR);
}

function fail(message) {
  process.stderr.write(`error: ${message}\n`);
  process.exit(2);
}

/** The version of the `node-<os>-<arch>` package in `dir`, or '0.0' when it has none. */
function packageVersion(dir) {
  try {
    return String(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version);
  } catch {
    return '0.0';
  }
}

/**
 * The Node that scripts/node.sh installs into `.cache/node` at a repository's
 * root, found walking up from this file, when it is new enough.
 */
function provisionedNode() {
  const pkg = join('.cache', 'node', 'node_modules', `node-${process.platform}-${process.arch}`);
  let dir = dirname(self);
  for (;;) {
    const node = join(dir, pkg, 'bin', 'node');
    if (existsSync(node) && newEnough(packageVersion(join(dir, pkg)))) return node;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Runs this file with `node` and ends as it ended: its exit code, or its signal. */
function reexec(node) {
  const child = spawn(node, [self, ...process.argv.slice(2)], { stdio: 'inherit' });
  // Ctrl-C reaches both processes (one process group): the child decides (it
  // cancels the run and exits 130), and this one waits to report how it
  // ended. SIGTERM and SIGHUP sent to this process alone are passed on.
  const ignore = () => {};
  process.on('SIGINT', ignore);
  const pass = (signal) => () => child.kill(signal);
  const forwarded = ['SIGTERM', 'SIGHUP'].map((s) => [s, pass(s)]);
  for (const [s, f] of forwarded) process.on(s, f);
  child.on('error', (error) => fail(`could not start ${node}: ${error.message}`));
  child.on('exit', (code, signal) => {
    process.off('SIGINT', ignore);
    for (const [s, f] of forwarded) process.off(s, f);
    if (signal) {
      process.kill(process.pid, signal);
      process.exit(128 + (constants.signals[signal] || 0));
    }
    process.exit(code === null ? 1 : code);
  });
}

/**
 * The entry of `weft exec` in the bundle of the build (dist/exec/, written
 * by scripts/bundle-exec.ts after tsc), when there is one no older than the
 * build (dist/.tsbuildinfo, absent from a packed package) and
 * WEFT_EXEC_BUNDLE is not 0. Imports of weft's entry points (a task
 * module's `import '@weft/core'`) are then served from the bundle too, so
 * that the job loads a few files instead of ~200 and every module shares
 * one engine. Undefined otherwise: exec runs from dist/ as built.
 */
async function execBundle() {
  if (process.env.WEFT_EXEC_BUNDLE === '0') return undefined;
  const dist = new URL('../dist/', import.meta.url);
  let manifest;
  let built;
  try {
    const path = new URL('exec/served.json', dist);
    built = statSync(path).mtimeMs;
    manifest = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
  try {
    if (statSync(new URL('.tsbuildinfo', dist)).mtimeMs > built) return undefined;
  } catch {
    // no build info: an installed package, bundled when it was packed
  }
  const { registerHooks } = await import('node:module');
  if (typeof registerHooks !== 'function') return undefined;
  const served = new Map(
    Object.entries(manifest.served).map(([from, to]) => [
      new URL(from, dist).href,
      new URL(to, dist).href,
    ]),
  );
  registerHooks({
    resolve(specifier, context, next) {
      const resolved = next(specifier, context);
      const url = served.get(resolved.url);
      return url === undefined ? resolved : { ...resolved, url };
    },
  });
  return new URL(manifest.main, dist);
}

/**
 * Turns on Node's compile cache in weft's own directory (see
 * dist/util/compile-cache.js), before the command loads: a later command
 * compiles and type-strips only what changed. Nothing when not built.
 */
async function compileCache() {
  try {
    const { useCompileCache } = await import(
      new URL('../dist/util/compile-cache.js', import.meta.url).href
    );
    useCompileCache();
  } catch {
    // not built: start() says so
  }
}

/** Runs weft with this Node, from the build. */
async function start() {
  await compileCache();
  // `weft exec` runs in every batch job: it loads no more than it needs.
  const exec = process.argv[2] === 'exec';
  const entry = exec
    ? (await execBundle()) || new URL('../dist/worker/exec-main.js', import.meta.url)
    : new URL('../dist/cli/main.js', import.meta.url);
  if (!existsSync(entry)) {
    fail(
      `weft is not built: ${fileURLToPath(entry)} is missing.\n` +
        'In a clone of the weft repository, build it at the root with `npm run build` (or `npx tsc -b`); ' +
        'in another project, install the packed package instead (`npm pack` in packages/core builds it and writes weft-core-<version>.tgz; then `npm install /path/to/weft-core-<version>.tgz`).',
    );
  }
  if (exec) {
    const { execMain } = await import(entry.href);
    const code = await execMain(process.argv.slice(3));
    process.exitCode = code;
    // Exit even if a task left something holding the event loop.
    setTimeout(() => process.exit(code), 20).unref();
    return;
  }
  const { cli } = await import(entry.href);
  await cli();
}

if (newEnough(process.versions.node)) {
  await start();
} else {
  const node = provisionedNode();
  if (node !== undefined) reexec(node);
  else {
    fail(
      `weft needs Node ${MIN_MAJOR}.${MIN_MINOR} or newer (it runs TypeScript workflows through Node's type stripping and stores runs with node:sqlite); this is Node ${process.versions.node} (${process.execPath}).\n` +
        'In a clone of the weft repository, run this line in your shell; it installs Node 24 into .cache/node and puts it first on PATH for that shell:\n' +
        '  . scripts/node.sh\n' +
        'Otherwise install Node 22.18 or newer (https://nodejs.org).',
    );
  }
}
