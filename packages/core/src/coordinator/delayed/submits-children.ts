/**
 * @module
 * Whether a task submits tasks, found without running it: its function's
 * source calls `submit` as its module imports it from weft (under any
 * local name, or through a namespace import). A delayed run cannot carry a
 * running task's submissions, so such a task makes the graph dynamic.
 *
 * It reads code, not what code does: a task that submits through a helper
 * of another module is not seen here; its batch job then fails with
 * `ChildrenNotCarriedError` (`WEFT_CHILDREN_NOT_CARRIED`) when it submits.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Task } from '../../vocabulary/task.ts';

type Lexer = typeof import('es-module-lexer');
let lexer: Lexer | undefined;

/** How a module can call weft's `submit`: its local names, and namespaces holding it. */
interface SubmitNames {
  readonly direct: readonly string[];
  readonly namespaces: readonly string[];
}

const NONE: SubmitNames = { direct: [], namespaces: [] };
const byModule = new Map<string, SubmitNames>();
const byFn = new WeakMap<object, string | undefined>();

/** Why `task` submits tasks (`calls submit()`), or undefined when its code does not. */
export function taskThatSubmits(task: Task): string | undefined {
  const fn = task.fn as unknown as object;
  if (byFn.has(fn)) return byFn.get(fn);
  const names = submitNames(task.options.module);
  let why: string | undefined;
  if (names.direct.length > 0 || names.namespaces.length > 0) {
    const source = stripComments(Function.prototype.toString.call(task.fn));
    const direct = names.direct.find((n) =>
      new RegExp(`(?<![\\w$.])${escapeRegExp(n)}\\s*\\(`).test(source),
    );
    const ns = names.namespaces.find((n) =>
      new RegExp(`(?<![\\w$.])${escapeRegExp(n)}\\s*\\.\\s*submit\\s*\\(`).test(source),
    );
    if (direct !== undefined)
      why = `calls ${direct}() (weft's submit): it submits tasks as it runs`;
    else if (ns !== undefined) why = `calls ${ns}.submit(): it submits tasks as it runs`;
  }
  byFn.set(fn, why);
  return why;
}

function submitNames(module: string | undefined): SubmitNames {
  if (module === undefined || !module.startsWith('file:')) return NONE;
  let names = byModule.get(module);
  if (names === undefined) {
    names = readNames(module);
    byModule.set(module, names);
  }
  return names;
}

function readNames(module: string): SubmitNames {
  let source: string;
  try {
    source = readFileSync(fileURLToPath(module), 'utf8');
  } catch {
    return NONE;
  }
  lexer ??= createRequire(import.meta.url)('es-module-lexer') as Lexer;
  let imports: ReturnType<Lexer['parse']>[0];
  try {
    imports = lexer.parse(source, module)[0];
  } catch {
    return NONE;
  }
  const direct: string[] = [];
  const namespaces: string[] = [];
  for (const i of imports) {
    if (i.type !== 'static' || i.typeOnly || i.specifier === undefined) continue;
    if (!isWeft(i.specifier)) continue;
    const clause = source.slice(i.importStart, i.start).replace(/^import\s+/, '');
    const ns = /\*\s+as\s+([\w$]+)/.exec(clause);
    if (ns !== null) namespaces.push(ns[1]!);
    const braces = /\{([^}]*)\}/.exec(clause);
    for (const part of braces?.[1]?.split(',') ?? []) {
      const m = /^\s*(?:type\s+)?submit(?:\s+as\s+([\w$]+))?\s*$/.exec(part);
      if (m !== null && !/^\s*type\s/.test(part)) direct.push(m[1] ?? 'submit');
    }
  }
  return { direct, namespaces };
}

/** `@weft/core` itself, or weft's own sources by path (in weft's repository). */
function isWeft(specifier: string): boolean {
  return (
    specifier === '@weft/core' ||
    /(^|\/)packages\/core\/(src|dist)\/index\.(ts|js)$/.test(specifier) ||
    /(^|\/)src\/index\.ts$/.test(specifier)
  );
}

function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/(^|[^:\\])\/\/.*$/gm, '$1');
}

function escapeRegExp(name: string): string {
  return name.replace(/\$/g, '\\$');
}
