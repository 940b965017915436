/**
 * @module
 * Bundles the built engine for `weft exec`, which every Slurm per-task job
 * runs: weft's public entry points (`.`, `/frontend`, `/executor`,
 * `/worker`, `/store`, `/cli`) and `exec-main` as thin files over one
 * chunk, where dist/ has ~200 modules. A job that loads the engine from
 * dist/ spends most of its start resolving and linking modules; from the
 * bundle it starts in about half the time. `bin/weft.js exec` serves a
 * task module's `import '@weft/core'` from the bundle while the bundle is
 * no older than the build (dist/.tsbuildinfo), and runs from dist/ as
 * built otherwise.
 *
 * The bundle goes to dist/exec/<hash>/, and dist/exec/served.json, replaced
 * atomically once the files are written, names it: a job starting while the
 * bundle is rebuilt reads either the old bundle or the new one, whole. The
 * previous bundle is kept (a job may be loading it); older ones are removed.
 *
 * Code that finds files relative to its own module (`import.meta.url`)
 * keeps doing so: each module's `import.meta.url` becomes the URL of its
 * file in dist/, computed from the bundle's own location, so the bundle
 * moves with the package.
 *
 *   node scripts/bundle-exec.ts [packages/core]   (after npx tsc -b; npm run build does both)
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

/** The package's entry points the bundle serves (dist/<name>.js). */
export const BUNDLED_ENTRIES = [
  'index',
  'frontend',
  'executor-seam',
  'worker-runtime',
  'store-seams',
  'cli-plugin',
] as const;

/** The bundle's manifest, in dist/exec/: what bin/weft.js reads. */
export const SERVED = 'served.json';

/** What served.json holds: paths relative to dist/. */
export interface ServedManifest {
  /** `weft exec`'s entry. */
  readonly main: string;
  /** dist/<entry>.js → its file in the bundle. */
  readonly served: Readonly<Record<string, string>>;
}

/** Writes the bundle of `<core>/dist` and its manifest; resolves with the bundle's directory. */
export async function bundleExec(core: string): Promise<string> {
  const dist = join(core, 'dist');
  const exec = join(dist, 'exec');
  // Any directory at the bundle's depth: import.meta.url is rewritten relative to it.
  const depth = join(exec, 'bundle');
  const input: Record<string, string> = { 'exec-main': join(dist, 'worker', 'exec-main.js') };
  for (const name of BUNDLED_ENTRIES) input[name] = join(dist, `${name}.js`);
  const bundle = await rolldown({
    input,
    platform: 'node',
    // Dependencies and Node's modules stay imports: only weft's own files are bundled.
    external: (id) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0'),
    preserveEntrySignatures: 'strict',
    // A dynamic import of a module also imported statically stays in the chunk: that is wanted here.
    onLog(level, log, handler) {
      if (log.code !== 'INEFFECTIVE_DYNAMIC_IMPORT') handler(level, log);
    },
    plugins: [
      {
        name: 'weft-import-meta-url',
        transform(code, id) {
          if (!code.includes('import.meta.url') || !id.startsWith(dist + sep)) return null;
          const own = relative(depth, id).split(sep).join('/');
          return code.replaceAll(
            'import.meta.url',
            `new URL(${JSON.stringify(own)}, import.meta.url).href`,
          );
        },
      },
    ],
  });
  let files: { readonly name: string; readonly code: string }[];
  try {
    const { output } = await bundle.generate({
      format: 'esm',
      entryFileNames: '[name].js',
      chunkFileNames: '[name].js',
      // One chunk for the engine, the entry points re-exporting from it: the fewer files, the faster a job starts.
      codeSplitting: { groups: [{ name: 'engine' }] },
    });
    files = output.map((o) => ({
      name: o.fileName,
      code: o.type === 'chunk' ? o.code : String(o.source),
    }));
  } finally {
    await bundle.close();
  }
  const hash = createHash('sha256');
  for (const f of files) hash.update(f.name).update('\0').update(f.code).update('\0');
  const id = hash.digest('hex').slice(0, 12);
  const dir = join(exec, id);
  if (!existsSync(join(dir, 'exec-main.js'))) {
    const tmp = `${dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    for (const f of files) writeFileSync(join(tmp, f.name), f.code);
    try {
      renameSync(tmp, dir);
    } catch (error) {
      // Another build wrote the same bundle meanwhile: it is the same content.
      rmSync(tmp, { recursive: true, force: true });
      if (!existsSync(join(dir, 'exec-main.js'))) throw error;
    }
  }
  const manifestPath = join(exec, SERVED);
  const previous = readManifest(manifestPath)?.main.split('/')[1];
  const served: Record<string, string> = {};
  for (const name of BUNDLED_ENTRIES) served[`${name}.js`] = `exec/${id}/${name}.js`;
  const manifest: ServedManifest = { main: `exec/${id}/exec-main.js`, served };
  const tmp = `${manifestPath}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(manifest)}\n`);
  renameSync(tmp, manifestPath);
  for (const name of readdirSync(exec)) {
    if (name === SERVED || name === id || name === previous || name.includes('.tmp-')) continue;
    rmSync(join(exec, name), { recursive: true, force: true });
  }
  return dir;
}

function readManifest(path: string): ServedManifest | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as ServedManifest;
  } catch {
    return undefined;
  }
}

if (import.meta.main) {
  const core = resolve(
    process.argv[2] ?? fileURLToPath(new URL('../packages/core', import.meta.url)),
  );
  const dir = await bundleExec(core);
  process.stdout.write(`bundle-exec: weft exec's bundle is ${dir}\n`);
}
