/**
 * @module
 * The import-graph check of `./scripts/test`: fails on an import that goes
 * up a layer of `@weft/core` (see `layers.ts`), on any import cycle between
 * files (type-only imports included), and on a plugin package that reaches
 * into `@weft/core` other than through its public exports.
 *
 *   node scripts/check-imports.ts [repo root]
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { CORE_LAYERS } from './layers.ts';

export interface ImportProblem {
  readonly kind: 'layer' | 'cycle' | 'private';
  readonly message: string;
}

/** Every `.ts` file under `dir`, skipping builds and dependencies. */
function sources(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** The specifiers a file imports: static, type-only, re-exports and dynamic imports. */
function specifiers(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles.map((f) => f.fileName);
}

function resolveRelative(from: string, spec: string): string | undefined {
  const base = resolve(dirname(from), spec);
  for (const candidate of [
    base,
    base.replace(/\.js$/, '.ts'),
    `${base}.ts`,
    join(base, 'index.ts'),
  ]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/** The layer folder of a file of the core's `src/` ('.' for files directly in it). */
function folderOf(src: string, file: string): string {
  const rel = relative(src, file).split(sep);
  return rel.length === 1 ? '.' : rel[0]!;
}

/** Checks the repository at `root`; returns what is wrong (empty when all is well). */
export function checkImports(
  root: string,
  layers: readonly (readonly string[])[] = CORE_LAYERS,
): ImportProblem[] {
  const problems: ImportProblem[] = [];
  const rank = new Map<string, number>();
  layers.forEach((folders, i) => {
    for (const f of folders) rank.set(f, i);
  });
  const packagesDir = join(root, 'packages');
  const packages = existsSync(packagesDir) ? readdirSync(packagesDir) : [];
  const edges = new Map<string, string[]>();
  const coreSrc = join(packagesDir, 'core', 'src');
  const corePkg = join(packagesDir, 'core', 'package.json');
  const publicExports = existsSync(corePkg)
    ? Object.keys(
        (JSON.parse(readFileSync(corePkg, 'utf8')) as { exports?: Record<string, unknown> })
          .exports ?? {},
      ).map((k) => (k === '.' ? '@weft/core' : `@weft/core/${k.slice(2)}`))
    : [];

  const unlayered = new Set<string>();
  for (const pkg of packages) {
    const src = join(packagesDir, pkg, 'src');
    for (const file of sources(src)) {
      if (pkg === 'core' && !rank.has(folderOf(coreSrc, file)))
        unlayered.add(folderOf(coreSrc, file));
      const out: string[] = [];
      edges.set(file, out);
      for (const spec of specifiers(file)) {
        if (spec.startsWith('.')) {
          const target = resolveRelative(file, spec);
          if (target === undefined) continue; // tsc reports what does not resolve
          out.push(target);
          if (!target.startsWith(join(packagesDir, pkg) + sep)) {
            problems.push({
              kind: 'private',
              message: `${relative(root, file)} imports ${spec}, outside its package; import the package by name`,
            });
          }
          if (pkg === 'core' && target.startsWith(coreSrc + sep)) {
            const from = folderOf(coreSrc, file);
            const to = folderOf(coreSrc, target);
            const a = rank.get(from);
            const b = rank.get(to);
            if (a !== undefined && b !== undefined && from !== to && b >= a) {
              problems.push({
                kind: 'layer',
                message:
                  `${relative(root, file)} (layer ${from}) imports ${relative(root, target)} (layer ${to}), ` +
                  (b === a ? 'a folder of the same layer' : 'a layer above it'),
              });
            }
          }
        } else if (pkg !== 'core' && spec.startsWith('@weft/core')) {
          if (!publicExports.includes(spec)) {
            problems.push({
              kind: 'private',
              message: `${relative(root, file)} imports ${spec}, which @weft/core does not export (public: ${publicExports.join(', ')})`,
            });
          }
        }
      }
    }
  }
  for (const folder of [...unlayered].sort()) {
    problems.push({
      kind: 'layer',
      message: `folder "${folder}" of packages/core/src is in no layer (add it to scripts/layers.ts)`,
    });
  }
  for (const cycle of cycles(edges)) {
    problems.push({
      kind: 'cycle',
      message: `import cycle: ${[...cycle, cycle[0]!].map((f) => relative(root, f)).join(' -> ')}`,
    });
  }
  return problems;
}

/** The strongly connected components of more than one file (or a file importing itself), as cycles. */
function cycles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  // Tarjan's algorithm, iterative so that deep graphs do not overflow the stack.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const found: string[][] = [];
  let next = 0;
  for (const start of edges.keys()) {
    if (index.has(start)) continue;
    const work: [string, number][] = [[start, 0]];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const [v, i] = frame;
      const outs = edges.get(v) ?? [];
      if (i < outs.length) {
        frame[1]++;
        const w = outs[i]!;
        if (!index.has(w)) {
          index.set(w, next);
          low.set(w, next++);
          stack.push(w);
          onStack.add(w);
          work.push([w, 0]);
        } else if (onStack.has(w)) {
          low.set(v, Math.min(low.get(v)!, index.get(w)!));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]![0];
        low.set(parent, Math.min(low.get(parent)!, low.get(v)!));
      }
      if (low.get(v) === index.get(v)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== v);
        if (component.length > 1 || (edges.get(v) ?? []).includes(v)) {
          found.push(component.reverse());
        }
      }
    }
  }
  return found;
}

if (import.meta.main) {
  const root = resolve(process.argv[2] ?? join(import.meta.dirname, '..'));
  const problems = checkImports(root);
  for (const p of problems) process.stderr.write(`${p.kind}: ${p.message}\n`);
  if (problems.length > 0) {
    process.stderr.write(`check-imports: ${problems.length} problem(s)\n`);
    process.exit(1);
  }
  process.stdout.write(
    'check-imports: layers respected, no import cycles, plugins use public exports\n',
  );
}
