import type { RunEvent } from '@weft/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createJsonRenderer,
  createPlainRenderer,
  createRenderer,
  rendererKind,
} from '../src/cli/render/index.js';

let clock = 0;
const out: string[] = [];
const err: string[] = [];
const sinks = (isTTY = false) => ({
  out: { write: (s: string) => out.push(s), isTTY, columns: 80 },
  err: { write: (s: string) => err.push(s), isTTY },
  now: () => clock,
});

const base = (taskId: number, name = `task${taskId}`, label?: string, attempt = 1) => ({
  runId: 'r',
  taskId,
  name,
  label,
  attempt,
  time: clock,
});
const error = {
  name: 'Error',
  message: 'went \x1b[31mred\x1b[0m\nand on',
  stack: 'Error: x\n    at y',
};

/** A run with a retry, a warning, a failure and escape codes in names and messages. */
function sampleRun(): RunEvent[] {
  return [
    { type: 'run_started', runId: 'r', time: clock },
    {
      ...base(1, 'fetch'),
      type: 'submitted',
      parentId: -1,
      deps: [],
      ordinal: 0,
      argsHash: undefined,
      requirements: undefined,
    },
    { ...base(1, 'fetch'), type: 'ready' },
    { ...base(1, 'fetch'), type: 'started' },
    { ...base(1, 'fetch'), type: 'retrying', error, delayMs: 250 },
    { ...base(1, 'fetch', undefined, 2), type: 'started', worker: 'thread 1' },
    {
      type: 'log',
      runId: 'r',
      taskId: 1,
      attempt: 2,
      level: 'warn',
      message: 'slow \x1b[2Jdisk',
      fields: { big: 1 },
      time: clock,
    },
    { ...base(1, 'fetch', undefined, 2), type: 'succeeded' },
    { ...base(2, '\x1b[31mevil\nname', 'shard "7"'), type: 'failed', error },
    { ...base(3, 'load'), type: 'upstream_failed', upstreamId: 2 },
    { ...base(4, 'old'), type: 'cached', from: { runId: 'q', taskId: 4 }, cacheKey: 'k' },
    { type: 'run_finished', runId: 'r', state: 'failed', time: clock + 1234 },
  ];
}

beforeEach(() => {
  vi.useFakeTimers();
  clock = 1_000_000;
  out.length = 0;
  err.length = 0;
});
afterEach(() => {
  vi.useRealTimers();
});

describe('plain renderer', () => {
  it('writes no escape code at all, even when colors are forced', () => {
    const r = createPlainRenderer({
      ...sinks(true),
      env: { FORCE_COLOR: '3' },
      progressInterval: 100,
    });
    const events = sampleRun();
    for (const e of events.slice(0, -1)) {
      r.event(e);
      clock += 50;
      vi.advanceTimersByTime(50);
    }
    r.event(events.at(-1)!);
    r.close();
    const text = out.join('') + err.join('');
    expect(text).not.toContain('\x1b');
    expect(err.join('')).toMatch(
      /retry fetch #1 after attempt 1 in 0\.2s: Error: went {2}\[31mred \[0m/,
    );
    expect(err.join('')).toMatch(/FAILED {2}\[31mevil name \[shard "7"\] #2: Error: went/);
    expect(err.join('')).toContain('warn: slow  [2Jdisk (task #1)');
    expect(out.join('')).toMatch(/\[\d+\.\ds\] \d+\/\d+ finished/);
    expect(out.at(-1)).toBe(
      'run failed in 1.2s: 4 tasks, 1 done, 1 failed, 1 cached, 1 upstream failed\n',
    );
  });

  it('writes a line per retry, and a failure with every line of its message', () => {
    const r = createPlainRenderer(sinks());
    for (const e of sampleRun()) r.event(e);
    r.close();
    const lines = err.join('').split('\n').filter(Boolean);
    expect(lines.map((l) => l.split(' ')[1])).toEqual(['retry', 'warn:', 'FAILED', '']);
    expect(lines[3]).toBe('    and on');
  });

  it('prints progress at most every interval, and only when something changed', () => {
    const r = createPlainRenderer({ ...sinks(), progressInterval: 5000 });
    let id = 0;
    for (let t = 0; t < 20_000; t += 10) {
      r.event({ ...base(id++), type: 'succeeded' });
      clock += 10;
      vi.advanceTimersByTime(10);
    }
    expect(out.length).toBeLessThanOrEqual(4);
    expect(out.length).toBeGreaterThanOrEqual(3);
    expect(out[0]).toMatch(/^\[\d+\.\ds\] \d+\/\d+ finished, 0 running\n$/);
    out.length = 0;
    vi.advanceTimersByTime(20_000);
    expect(out).toEqual([]);
    r.close();
  });

  it('with quiet, writes only failures and the summary', () => {
    const r = createPlainRenderer({ ...sinks(), quiet: true, progressInterval: 100 });
    for (const e of sampleRun()) {
      r.event(e);
      clock += 500;
      vi.advanceTimersByTime(500);
    }
    r.close();
    const lines = (err.join('') + out.join('')).split('\n').filter(Boolean);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain('FAILED');
    expect(lines[1]).toBe('    and on');
    expect(lines[2]).toMatch(/^run failed in/);
  });
});

describe('json renderer', () => {
  it('writes each event as one line of JSON, and nothing else', () => {
    const r = createJsonRenderer(sinks(true));
    const events = sampleRun();
    for (const e of events) r.event(e);
    r.close();
    vi.advanceTimersByTime(10_000);
    const lines = out.join('').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((l) => JSON.parse(l))).toEqual(JSON.parse(JSON.stringify(events)));
    expect(err).toEqual([]);
  });

  it('turns what JSON cannot hold into strings instead of throwing', () => {
    const r = createJsonRenderer(sinks());
    const fields: Record<string, unknown> = { big: 12n };
    fields.self = fields;
    r.event({
      type: 'log',
      runId: 'r',
      taskId: -1,
      attempt: 0,
      level: 'info',
      message: 'm',
      fields,
      time: 1,
    });
    expect(JSON.parse(out[0]!).fields).toEqual({ big: '12', self: '[Circular]' });
  });
});

describe('createRenderer', () => {
  const tty = { write: () => true, isTTY: true };
  const pipe = { write: () => true, isTTY: false };

  it('picks json, plain or tty', () => {
    expect(rendererKind({ out: tty, env: {} })).toBe('tty');
    expect(rendererKind({ out: tty, env: {}, json: true, quiet: true })).toBe('json');
    expect(rendererKind({ out: pipe, env: {} })).toBe('plain');
    expect(rendererKind({ out: tty, env: {}, quiet: true })).toBe('plain');
    expect(rendererKind({ out: tty, env: { NO_COLOR: '1' } })).toBe('plain');
    expect(rendererKind({ out: tty, env: { TERM: 'dumb' } })).toBe('plain');
    expect(rendererKind({ out: tty, env: { NO_COLOR: '' } })).toBe('tty');
  });

  it('makes the renderer it picks', () => {
    const r = createRenderer({ ...sinks(false), env: {} });
    r.event({ ...base(1), type: 'failed', error });
    r.close();
    expect(err.join('')).toMatch(/^\[0\.0s\] FAILED task1 #1/);
  });
});
