/**
 * The catalogue of error codes: every error class of weft is in it under the
 * code its instances carry, every code weft raises is catalogued, and an
 * error that crossed a thread or process comes back as its own class.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as weft from '@weft/core';
import {
  deserializeError,
  ERROR_CATALOGUE,
  isWeftError,
  RemoteError,
  registerErrorClasses,
  serializeError,
  TimeoutError,
  UpstreamFailedError,
  WeftError,
  WorkerDiedError,
} from '@weft/core';
import { describe, expect, it } from 'vitest';
import { thrown } from './helpers.ts';

const SRC = new URL('../src/', import.meta.url).pathname;

function sources(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sources(path, out);
    else if (entry.name.endsWith('.ts')) out.push(path);
  }
  return out;
}

/** `class X extends WeftError` and the code its constructor passes, from errors/*.ts. */
function declaredClasses(): { name: string; code: string }[] {
  const found: { name: string; code: string }[] = [];
  for (const file of sources(join(SRC, 'errors'))) {
    const text = readFileSync(file, 'utf8');
    const re = /export class (\w+) extends WeftError \{[\s\S]*?super\(\s*'(WEFT_[A-Z_]+)'/g;
    for (const m of text.matchAll(re)) found.push({ name: m[1]!, code: m[2]! });
  }
  return found;
}

describe('the error catalogue', () => {
  it('lists every error class under the code it raises, and each class is exported', () => {
    const declared = declaredClasses();
    expect(declared.length).toBeGreaterThan(50);
    for (const { name, code } of declared) {
      const entry = ERROR_CATALOGUE[code];
      expect(entry, `${code} (${name}) is not in the catalogue`).toBeDefined();
      expect(entry!.class.name).toBe(name);
      expect((weft as Record<string, unknown>)[name], `${name} is not exported`).toBe(entry!.class);
    }
    expect(Object.keys(ERROR_CATALOGUE).sort()).toEqual(declared.map((d) => d.code).sort());
  });

  it('holds every WEFT_ code that appears in the sources', () => {
    const used = new Set<string>();
    for (const file of sources(SRC)) {
      for (const m of readFileSync(file, 'utf8').matchAll(/'(WEFT_[A-Z][A-Z_]*)'/g))
        used.add(m[1]!);
    }
    // WEFT_COORDINATOR is an environment variable's name, not an error code.
    const missing = [...used].filter(
      (c) => ERROR_CATALOGUE[c] === undefined && c !== 'WEFT_COORDINATOR',
    );
    expect(missing).toEqual([]);
  });

  it('has no bare WeftError or plain Error thrown by the library (tasks of the test suites aside)', () => {
    const offenders: string[] = [];
    for (const file of sources(SRC)) {
      if (file.includes('/testing/')) continue;
      const text = readFileSync(file, 'utf8');
      if (/new WeftError\(/.test(text) && !file.endsWith('deserialize.ts')) offenders.push(file);
      if (/throw new (Type|Range)?Error\(/.test(text)) offenders.push(file);
    }
    expect(offenders).toEqual([]);
  });

  it('gives every code a summary', () => {
    for (const [code, entry] of Object.entries(ERROR_CATALOGUE)) {
      expect(entry.summary.length, code).toBeGreaterThan(10);
    }
  });
});

describe('deserializeError', () => {
  it('rebuilds a catalogued error as an instance of its class, with its fields and cause', () => {
    const root = new TimeoutError('load#0', 20);
    const error = new UpstreamFailedError('merge#1', { id: 0, name: 'load' }, 'failed', root);
    const back = deserializeError(structuredClone(serializeError(error)));
    expect(back).toBeInstanceOf(UpstreamFailedError);
    expect(back).toBeInstanceOf(WeftError);
    expect(back.message).toBe(error.message);
    expect(back.stack).toBe(error.stack);
    expect((back as UpstreamFailedError).upstream).toEqual({ id: 0, name: 'load' });
    expect(back.cause).toBeInstanceOf(TimeoutError);
    expect((back.cause as TimeoutError).timeoutMs).toBe(20);
  });

  it('keeps a worker death recognisable after crossing a process', () => {
    const error = new WorkerDiedError('t#1 (attempt 1)', 'process #2', {
      kind: 'signal',
      signal: 'SIGKILL',
    });
    const back = deserializeError(JSON.parse(JSON.stringify(serializeError(error))));
    expect(back).toBeInstanceOf(WorkerDiedError);
    expect(back.message).toBe(error.message);
  });

  it('makes an unknown WEFT_ code a RemoteError, and any other code a plain error', () => {
    const remote = deserializeError({
      name: 'QueueLost',
      code: 'WEFT_SOMETHING_NEW',
      message: 'm',
    });
    expect(remote).toBeInstanceOf(RemoteError);
    expect(isWeftError(remote)).toBe(true);
    expect(remote.name).toBe('QueueLost');
    const fsError = deserializeError({ name: 'Error', code: 'ENOENT', message: 'no file' });
    expect(isWeftError(fsError)).toBe(false);
    expect(fsError).toMatchObject({ code: 'ENOENT', message: 'no file' });
  });

  it("rebuilds a plugin's registered class, and refuses a code registered to another", () => {
    class QueueLostError extends WeftError {
      constructor() {
        super('WEFT_TEST_QUEUE_LOST', 'the queue was lost');
      }
    }
    registerErrorClasses({ WEFT_TEST_QUEUE_LOST: QueueLostError });
    const back = deserializeError(structuredClone(serializeError(new QueueLostError())));
    expect(back).toBeInstanceOf(QueueLostError);
    const error = thrown(() => registerErrorClasses({ WEFT_TIMEOUT: QueueLostError }));
    expect((error as Error).message).toBe(
      'error code WEFT_TIMEOUT is already registered to TimeoutError',
    );
  });
});
