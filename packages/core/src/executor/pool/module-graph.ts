/**
 * @module
 * The local import graph of a task module, hashed: the module's file and,
 * transitively, every module it imports by a relative specifier, an absolute
 * path or a `file:` URL, outside any `node_modules` directory (packages are
 * pinned by the lock file) and outside weft's own package (workers check
 * weft by its version). Bare specifiers (`zod`, `node:fs`), type-only imports
 * (Node erases them) and dynamic imports whose specifier is not a string
 * literal are not followed. The coordinator sends the graph to its workers,
 * which refuse a task when their files differ, and the cache key of a task
 * without a `version` includes its hash: an edited helper is seen by both.
 *
 * The coordinator finds the graph: imports are read by es-module-lexer,
 * which lexes JavaScript and the erasable TypeScript that Node runs (Node's
 * `stripTypeScriptTypes` is not needed before it, and not used: on Node 24
 * it prints an ExperimentalWarning on the user's stderr). A worker only
 * checks it: the token the coordinator sends lists each file with its
 * content hash, and files with the same content import the same files, so
 * the worker hashes the listed files and lexes nothing (a fresh worker's
 * first task does not wait for a lexer).
 *
 * Each file's content hash (and imports, once lexed) is cached by path with
 * the (mtime, size, inode) of a stat: an unchanged file costs one stat, a
 * graph seen before one stat per file. As in `util/hash.ts`, a file modified
 * less than 100 ms before it was read is not cached, since a same-size
 * rewrite within one timestamp tick would keep all three.
 */
import { readFileSync, type Stats, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { hashBytes } from '../../util/hash.ts';

/** A task module's local import graph, hashed. */
export interface ModuleGraph {
  /**
   * SHA-256 of each file's content hash and local imports, in the order
   * they were reached. Paths are not part of it: a moved project hashes the same.
   */
  readonly hash: string;
  /**
   * What the coordinator sends a worker (`coordinatorHash`) and
   * `checkModuleGraph` reads there: `hash`, each file with its content hash
   * and the missing imports, by paths relative to the module's directory.
   */
  readonly token: string;
  /** The files, in the order they were reached: the module's own first. */
  readonly files: readonly string[];
  /** Local imports that name no readable file. */
  readonly missing: readonly string[];
  /** Files whose imports could not be lexed, so were not followed. */
  readonly unlexed: readonly string[];
}

/** What a worker makes of a token: the same graph, or the file that differs (undefined: not known). */
export type GraphCheck =
  | { readonly same: true }
  | { readonly same: false; readonly file: string | undefined };

/** A token, parsed. */
interface Token {
  readonly graph: string;
  /** Pairs of a path (relative to the module's directory) and its content hash. */
  readonly files: readonly (readonly [string, string])[];
  readonly missing: readonly string[];
}

interface FileEntry {
  readonly mtimeMs: number;
  readonly size: number;
  readonly ino: number;
  readonly hash: string;
  /** Absolute paths of the local modules it imports, in source order, each once; undefined until lexed. */
  readonly imports: readonly string[] | undefined;
  /** False when its source could not be lexed (its imports are then not followed). */
  readonly lexed: boolean;
}

/** Files modified this recently are not cached. */
const RACY_MS = 100;
/** How many files the cache remembers (the oldest goes first). */
const CACHE_SIZE = 8192;
/** Extensions whose imports are followed; other files (JSON, WASM) count by content alone. */
const LEXABLE = new Set(['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts']);

const entries = new Map<string, FileEntry>();
const loaded = new Map<string, ModuleGraph | { readonly error: unknown }>();
/** Where this copy of weft's own code lies (see `engineDirs`). */
let engine: readonly string[] | undefined;

type Lexer = typeof import('es-module-lexer');
let lexer: Lexer | undefined;

/**
 * The local import graph of the module at `url` (a `file:` URL), as the
 * files are now. Throws what reading the module's own file throws.
 * @example
 * moduleGraph(import.meta.url).files; // ['/app/tasks.ts', '/app/lib/parse.ts']
 */
export function moduleGraph(url: string): ModuleGraph {
  const root = fileURLToPath(url);
  const rootStat = statSync(root);
  const order: { readonly path: string; readonly entry: FileEntry }[] = [
    { path: root, entry: entryOf(root, rootStat, true) },
  ];
  // Indexed by device and inode, so that symlinked paths to one file are one node.
  const byFile = new Map<string, number>([[fileId(rootStat), 0]]);
  const byPath = new Map<string, number>([[root, 0]]);
  const missing: string[] = [];
  const unlexed: string[] = [];
  let manifest = '';
  for (let i = 0; i < order.length; i++) {
    const { path, entry } = order[i]!;
    if (!entry.lexed) unlexed.push(path);
    const edges: number[] = [];
    for (const dep of entry.imports!) {
      let j = byPath.get(dep);
      if (j === undefined) {
        j = reach(dep, order, byFile);
        byPath.set(dep, j);
        if (j === -1) missing.push(dep);
      }
      edges.push(j);
    }
    manifest += `${entry.hash}>${edges.join(',')};`;
  }
  const hash = hashBytes(manifest);
  const dir = dirname(root);
  const token: Token = {
    graph: hash,
    files: order.map((o) => [relative(dir, o.path), o.entry.hash] as const),
    missing: missing.map((m) => relative(dir, m)),
  };
  return {
    hash,
    token: JSON.stringify(token),
    files: order.map((o) => o.path),
    missing,
    unlexed,
  };
}

/**
 * The graph of the module at `url` as this process first hashed it: the code
 * it loaded, which its workers must match and its cache keys describe (a
 * module is never loaded twice, so later edits change neither). Throws what
 * the first hashing threw.
 */
export function loadedModuleGraph(url: string): ModuleGraph {
  let graph = loaded.get(url);
  if (graph === undefined) {
    try {
      graph = moduleGraph(url);
    } catch (error) {
      graph = { error };
    }
    loaded.set(url, graph);
  }
  if ('error' in graph) throw graph.error;
  return graph;
}

/**
 * Whether the files of the module at `url` are those of the graph `token`
 * describes (from `ModuleGraph.token`): each listed file has the content
 * hashed there, and each import missing there is still missing. Throws what
 * reading the module's own file throws.
 * @example
 * const check = checkModuleGraph(url, hashFromCoordinator);
 * if (!check.same) throw new ModuleChangedError(task, url, check.file);
 */
export function checkModuleGraph(url: string, token: string): GraphCheck {
  const root = fileURLToPath(url);
  const rootHash = contentHash(root);
  const parsed = parseToken(token);
  if (parsed === undefined) return { same: false, file: undefined };
  const dir = dirname(root);
  for (const [rel, expected] of parsed.files) {
    const path = resolve(dir, rel);
    let actual: string;
    try {
      actual = path === root ? rootHash : contentHash(path);
    } catch {
      return { same: false, file: path }; // gone, or unreadable
    }
    if (actual !== expected) return { same: false, file: path };
  }
  for (const rel of parsed.missing) {
    const path = resolve(dir, rel);
    if (statSync(path, { throwIfNoEntry: false })?.isFile()) return { same: false, file: path };
  }
  return { same: true };
}

function parseToken(token: string): Token | undefined {
  let t: Partial<Token> | null;
  try {
    t = JSON.parse(token) as Partial<Token> | null;
  } catch {
    return undefined; // not a token of this weft (another version, another tool)
  }
  if (typeof t !== 'object' || t === null || typeof t.graph !== 'string') return undefined;
  const { files, missing } = t;
  if (!Array.isArray(files) || files.length === 0 || !Array.isArray(missing)) return undefined;
  const isPair = (f: unknown) =>
    Array.isArray(f) && typeof f[0] === 'string' && typeof f[1] === 'string';
  if (!files.every(isPair) || !missing.every((m) => typeof m === 'string')) return undefined;
  return t as Token;
}

/** The index of `path` in `order`, adding it when new; -1 when it names no readable file. */
function reach(
  path: string,
  order: { readonly path: string; readonly entry: FileEntry }[],
  byFile: Map<string, number>,
): number {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat === undefined || !stat.isFile()) return -1;
  const id = fileId(stat);
  const known = byFile.get(id);
  if (known !== undefined) return known;
  let entry: FileEntry;
  try {
    entry = entryOf(path, stat, true);
  } catch {
    return -1; // unreadable (permissions, or removed since the stat)
  }
  byFile.set(id, order.length);
  order.push({ path, entry });
  return order.length - 1;
}

function fileId(stat: Stats): string {
  return `${stat.dev}:${stat.ino}`;
}

/** The content hash of a file, from the cache when its stat matches. */
function contentHash(path: string): string {
  return entryOf(path, statSync(path), false).hash;
}

/** The file's entry: from the cache when the stat matches, else read and hashed (and lexed if `lex`). */
function entryOf(path: string, stat: Stats, lex: boolean): FileEntry {
  const known = entries.get(path);
  if (
    known !== undefined &&
    known.mtimeMs === stat.mtimeMs &&
    known.size === stat.size &&
    known.ino === stat.ino &&
    (!lex || known.imports !== undefined)
  ) {
    return known;
  }
  const startedAt = Date.now();
  // Changed since the stat? Then the next stat differs from the one cached, and it is read again.
  const bytes = readFileSync(path);
  const found = lex ? importsOf(path, bytes) : { imports: undefined, lexed: true };
  const entry: FileEntry = {
    mtimeMs: stat.mtimeMs,
    size: stat.size,
    ino: stat.ino,
    hash: hashBytes(bytes),
    ...found,
  };
  entries.delete(path);
  if (startedAt - stat.mtimeMs >= RACY_MS) {
    entries.set(path, entry);
    if (entries.size > CACHE_SIZE) entries.delete(entries.keys().next().value!);
  }
  return entry;
}

/** The local modules a file imports at run time; `lexed: false` when its source cannot be lexed. */
function importsOf(
  path: string,
  bytes: Buffer,
): { readonly imports: readonly string[]; readonly lexed: boolean } {
  if (!LEXABLE.has(extname(path))) return { imports: [], lexed: true };
  // Loaded on first use: processes that never hash a module do not pay for it.
  lexer ??= createRequire(import.meta.url)('es-module-lexer') as Lexer;
  let found: ReturnType<Lexer['parse']>[0];
  try {
    found = lexer.parse(bytes.toString('utf8'), path)[0];
  } catch {
    return { imports: [], lexed: false };
  }
  const base = pathToFileURL(path);
  const imports = new Set<string>();
  for (const i of found) {
    if (i.type === 'import-meta' || i.specifier === undefined) continue;
    // Erased by type stripping: a static `import type`, a dynamic `typeof import('m')`.
    if (i.type === 'dynamic' ? i.glob || i.probablyTypeOnly : i.typeOnly) continue;
    const local = localPath(i.specifier, base);
    if (local !== undefined) imports.add(local);
  }
  return { imports: [...imports], lexed: true };
}

/** The file a specifier names, when it is relative, absolute or a `file:` URL, and the project's. */
function localPath(specifier: string, base: URL): string | undefined {
  if (
    !specifier.startsWith('./') &&
    !specifier.startsWith('../') &&
    !specifier.startsWith('/') &&
    !specifier.startsWith('file:')
  ) {
    return undefined;
  }
  let path: string;
  try {
    path = fileURLToPath(new URL(specifier, base));
  } catch {
    return undefined; // not a file path Node could load either
  }
  if (path.split(sep).includes('node_modules')) return undefined;
  return engineDirs().some((dir) => path.startsWith(dir)) ? undefined : path;
}

/**
 * The code of this copy of weft, source and build (`src/`, `dist/`), which
 * a task module may import by path in weft's own repository: it is the
 * engine, which a worker checks by version, not code of the project.
 */
function engineDirs(): readonly string[] {
  if (engine === undefined) {
    // src/executor/pool/ and dist/executor/pool/ are both three levels below the package.
    const dir = fileURLToPath(new URL('../../../', import.meta.url));
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown };
      engine = pkg.name === '@weft/core' ? [join(dir, 'src', sep), join(dir, 'dist', sep)] : [];
    } catch {
      engine = []; // bundled, or laid out otherwise: nothing is taken for the engine
    }
  }
  return engine;
}
