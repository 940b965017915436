/**
 * @module
 * The build's records (`.weft/targets.log` in the working directory): for
 * each target built, what it was built from (its code, its params, its
 * needs with their hashes, its outputs' hashes, a state's value), and for
 * each file hashed, its stamp. A target is up to date when what it would be
 * built from now is what its record says; the record gives the reason when
 * it is not.
 *
 * One line per record, tab-separated, appended as steps finish (a build
 * killed midway keeps what it recorded; a lost record only costs a
 * rebuild); the last line of a key wins, and the file is rewritten without
 * the lines that no longer count once they are most of it. Lines are
 * parsed when their key is first asked for, so a large log costs one read.
 */

import type { Stats } from 'node:fs';
import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as v8 from 'node:v8';
import { RACY_MS, stampHolds } from './files.ts';
import type { FileStamp } from './model.ts';

const HEADER = 'weft-targets 1\n';

/** Logs with records not written yet: written when the process exits, by one listener. */
const unwritten = new Set<BuildLog>();
let exitHooked = false;
function writeAtExit(): void {
  for (const log of unwritten) log.flushQuietly();
}

/** What a target was last built from. */
export interface TargetRecord {
  /** The step's code: a hash of its function's source, or of its command spec. */
  readonly code: string;
  /** A hash of the module graph of a function step ('' for a command). */
  readonly module: string;
  /** The implementation that built it ('' when its rule has one). */
  readonly impl: string;
  /** A hash of the job's wildcards, params and outputs. */
  readonly args: string;
  /** A named state's value hash ('' for files). */
  readonly valueHash: string;
  /** A named state's value, serialized ('' for files). */
  readonly value: string;
  /** The needed targets, flat: the rule's, then those its step asked for (`need`). */
  readonly needs: readonly string[];
  /** How many of `needs` are the rule's. */
  readonly statics: number;
  /** For each need: a file's content hash, or a state's value hash. */
  readonly hashes: readonly string[];
  /** The outputs' content hashes. */
  readonly outputs: readonly string[];
}

function escapeField(text: string): string {
  return /[\t\n\\]/.test(text)
    ? text.replace(/[\t\n\\]/g, (c) => (c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\\\'))
    : text;
}

function unescapeField(text: string): string {
  return text.indexOf('\\') < 0
    ? text
    : text.replace(/\\(.)/g, (_, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : c));
}

/** A state's value as the log keeps it. */
export function serializeValue(value: unknown): string {
  return v8.serialize(value).toString('base64');
}

export function deserializeValue(text: string): unknown {
  return v8.deserialize(Buffer.from(text, 'base64'));
}

/** The build's records, read once and appended to. */
export class BuildLog {
  /** The file, or undefined for records kept in memory only. */
  readonly path: string | undefined;
  readonly #targets = new Map<string, string | TargetRecord>();
  readonly #files = new Map<string, string | FileStamp>();
  #lines = 0;
  #pending: string[] = [];
  /** The file exists with this format's header: lines are appended. */
  #started = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(path: string | undefined) {
    this.path = path;
    if (path === undefined) return;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      return; // no records yet
    }
    if (!text.startsWith(HEADER)) return; // another format: started afresh at the first flush
    this.#started = true;
    const lines = text.split('\n');
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const end = line.indexOf('\t', 2);
      if (end < 0) continue; // a line cut short by a crash
      const key = unescapeField(line.slice(2, end));
      if (line.charCodeAt(0) === 84 /* T */) this.#targets.set(key, line);
      else if (line.charCodeAt(0) === 70 /* F */) this.#files.set(key, line);
      this.#lines++;
    }
  }

  /** How many targets have records. */
  get size(): number {
    return this.#targets.size;
  }

  target(name: string): TargetRecord | undefined {
    const entry = this.#targets.get(name);
    if (typeof entry !== 'string') return entry;
    const record = parseTarget(entry);
    if (record === undefined) this.#targets.delete(name);
    else this.#targets.set(name, record);
    return record;
  }

  /**
   * The recorded hash of `path` when its stamp still stands for the file
   * `st` describes (see `stampHolds`), else undefined. A line read from the
   * file is compared as text, not parsed: a no-op build asks this of every file.
   */
  holdingHash(path: string, st: Stats): string | undefined {
    const entry = this.#files.get(path);
    if (entry === undefined) return undefined;
    if (typeof entry !== 'string') return stampHolds(entry, st) ? entry[4] : undefined;
    const keyEnd = entry.indexOf('\t', 2);
    const prefix = `\t${st.size}\t${st.mtimeMs}\t${st.ctimeMs}\t${st.ino}\t`;
    if (!entry.startsWith(prefix, keyEnd)) return undefined;
    const start = keyEnd + prefix.length;
    const end = entry.indexOf('\t', start);
    if (end < 0 || Number(entry.slice(end + 1)) - st.mtimeMs < RACY_MS) return undefined;
    return entry.slice(start, end);
  }

  file(path: string): FileStamp | undefined {
    const entry = this.#files.get(path);
    if (typeof entry !== 'string') return entry;
    const f = entry.split('\t');
    const stamp: FileStamp = [
      Number(f[2]),
      Number(f[3]),
      Number(f[4]),
      Number(f[5]),
      f[6] ?? '',
      Number(f[7]),
    ];
    if (f.length !== 8 || stamp.some((x) => typeof x === 'number' && Number.isNaN(x))) {
      this.#files.delete(path);
      return undefined;
    }
    this.#files.set(path, stamp);
    return stamp;
  }

  setTarget(name: string, r: TargetRecord): void {
    this.#targets.set(name, r);
    this.#push(targetLine(name, r));
  }

  setFile(path: string, s: FileStamp): void {
    const known = this.file(path);
    if (known?.every((x, i) => x === s[i])) return;
    this.#files.set(path, s);
    this.#push(`F\t${escapeField(path)}\t${s[0]}\t${s[1]}\t${s[2]}\t${s[3]}\t${s[4]}\t${s[5]}\n`);
  }

  #push(line: string): void {
    if (this.path === undefined) return;
    this.#pending.push(line);
    this.#lines++;
    if (this.#pending.length >= 512) this.flush();
    else if (this.#timer === undefined) {
      // Written soon, and at the latest when the process exits: a build killed loses little.
      this.#timer = setTimeout(this.flushQuietly, 250).unref();
      unwritten.add(this);
      if (!exitHooked) {
        exitHooked = true;
        process.on('exit', writeAtExit);
      }
    }
  }

  /** A flush nobody waits for: a record it cannot write only costs a rebuild. */
  readonly flushQuietly = (): void => {
    try {
      this.flush();
    } catch {
      this.#pending = [];
    }
  };

  /** Writes what was recorded since the last flush. */
  flush(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      unwritten.delete(this);
      this.#timer = undefined;
    }
    if (this.path === undefined || this.#pending.length === 0) return;
    const text = this.#pending.join('');
    this.#pending = [];
    if (this.#started) appendFileSync(this.path, text);
    else {
      mkdirSync(dirname(this.path), { recursive: true });
      writeFileSync(this.path, HEADER + text);
      this.#started = true;
    }
  }

  /** Flushes, and rewrites the file without dead lines when they are most of it. */
  close(): void {
    const live = this.#targets.size + this.#files.size;
    this.flush();
    if (this.path === undefined || this.#lines <= 2 * live + 1024) return;
    const parts: string[] = [HEADER];
    for (const name of this.#targets.keys()) {
      const r = this.target(name);
      if (r !== undefined) parts.push(targetLine(name, r));
    }
    for (const path of this.#files.keys()) {
      const s = this.file(path);
      if (s !== undefined) parts.push(`F\t${escapeField(path)}\t${s.join('\t')}\n`);
    }
    const tmp = `${this.path}.${process.pid}.tmp`;
    mkdirSync(dirname(this.path), { recursive: true });
    writeFileSync(tmp, parts.join(''));
    renameSync(tmp, this.path);
    this.#started = true;
    this.#lines = live;
  }
}

function targetLine(name: string, r: TargetRecord): string {
  let line = `T\t${escapeField(name)}\t${r.code}\t${r.module}\t${escapeField(r.impl)}\t${r.args}\t${r.valueHash}\t${r.value}\t${r.statics}\t${r.needs.length}`;
  for (let i = 0; i < r.needs.length; i++) line += `\t${escapeField(r.needs[i]!)}\t${r.hashes[i]}`;
  line += `\t${r.outputs.length}`;
  for (const h of r.outputs) line += `\t${h}`;
  return `${line}\n`;
}

function parseTarget(line: string): TargetRecord | undefined {
  const f = line.split('\t');
  const statics = Number(f[8]);
  const n = Number(f[9]);
  if (!(n >= 0) || !(statics >= 0 && statics <= n)) return undefined;
  const needs: string[] = [];
  const hashes: string[] = [];
  let at = 10;
  for (let i = 0; i < n; i++) {
    needs.push(unescapeField(f[at++] ?? ''));
    hashes.push(f[at++] ?? '');
  }
  const m = Number(f[at++]);
  if (!(m >= 0) || at + m !== f.length) return undefined;
  return {
    code: f[2]!,
    module: f[3]!,
    impl: unescapeField(f[4]!),
    args: f[5]!,
    valueHash: f[6]!,
    value: f[7]!,
    needs,
    statics,
    hashes,
    outputs: f.slice(at),
  };
}
