import type { RunEvent } from '@weft/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTtyRenderer, type Renderer } from '../src/cli/render/index.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: escape codes are what it removes
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;
const strip = (s: string) => s.replace(ANSI, '').replaceAll('\r', '');
const BAR = /[█░]{10,}/;
const ERASE_LINE = '\x1b[1A\x1b[2K';

let clock = 0;
const writes: string[] = [];
const open = (extra: { columns?: number; env?: Record<string, string> } = {}): Renderer =>
  createTtyRenderer({
    out: { write: (s) => writes.push(s), isTTY: true, columns: extra.columns ?? 100 },
    env: extra.env ?? {},
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
const submitted = (id: number, name?: string): RunEvent => ({
  ...base(id, name),
  type: 'submitted',
  parentId: -1,
  deps: [],
  ordinal: 0,
  argsHash: undefined,
  requirements: undefined,
});
const started = (id: number, name?: string, label?: string, attempt = 1): RunEvent => ({
  ...base(id, name, label, attempt),
  type: 'started',
});
const succeeded = (id: number): RunEvent => ({ ...base(id), type: 'succeeded' });

/** Advances the fake clock and timers together. */
function advance(ms: number): void {
  clock += ms;
  vi.advanceTimersByTime(ms);
}

beforeEach(() => {
  vi.useFakeTimers();
  clock = 1_000_000;
  writes.length = 0;
});
afterEach(() => {
  vi.useRealTimers();
});

describe('tty renderer', () => {
  it('draws a bar and the counts, then erases and redraws the block', () => {
    const r = open();
    r.event({ type: 'run_started', runId: 'r', time: clock });
    for (let i = 0; i < 10; i++) r.event(submitted(i));
    for (let i = 0; i < 4; i++) r.event(started(i));
    for (let i = 0; i < 3; i++) r.event(succeeded(i));
    advance(100);
    expect(writes).toHaveLength(1);
    const first = strip(writes[0]!);
    expect(first).toMatch(BAR);
    expect(first).toContain('3/10');
    expect(first).toMatch(/3 done · 1 running · 6 queued · 0 failed · 0 cached/);
    const lines = first.split('\n').length - 1;
    r.event(succeeded(3));
    advance(100);
    expect(writes).toHaveLength(2);
    expect(writes[1]!.startsWith(`\r${ERASE_LINE.repeat(lines)}`)).toBe(true);
    expect(writes[1]!.includes(ERASE_LINE.repeat(lines + 1))).toBe(false);
    expect(strip(writes[1]!)).toContain('4 done · 0 running');
    r.close();
  });

  it('redraws at most 10 times a second, and only when something changed', () => {
    const r = open();
    let id = 0;
    // Five seconds with an event every 5 ms.
    for (let t = 0; t < 5000; t += 5) {
      r.event(submitted(id));
      r.event(succeeded(id++));
      advance(5);
    }
    const redraws = writes.filter((w) => BAR.test(strip(w))).length;
    expect(redraws).toBeLessThanOrEqual(51);
    expect(redraws).toBeGreaterThanOrEqual(40);
    writes.length = 0;
    advance(3000); // nothing happens, nothing runs: nothing to redraw
    expect(writes).toHaveLength(0);
    r.close();
  });

  it('lists the running tasks longest-running first, at most five', () => {
    const r = open();
    const startOffsets = [1000, 5000, 3000, 2000, 4000, 6000];
    startOffsets.forEach((offset, i) => {
      r.event({ ...started(i, `job${i}`), time: clock - offset });
    });
    r.event(started(9, 'retried', 'shard 2', 3));
    advance(100);
    const text = strip(writes.at(-1)!);
    const order = ['job5', 'job1', 'job4', 'job2', 'job3'].map((n) => text.indexOf(n));
    expect(order.every((pos) => pos >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(text).not.toContain('job0');
    expect(text).not.toContain('retried');
    expect(text).toContain('2 more running');
    expect(text).toMatch(/6\.1s\s+job5/);
    r.close();
  });

  it('shows label and attempt of a running task', () => {
    const r = open();
    r.event(started(9, 'retried', 'shard 2', 3));
    advance(100);
    expect(strip(writes.at(-1)!)).toMatch(/retried \[shard 2\] attempt 3/);
    r.close();
  });

  it('cuts every line of the block to the terminal width', () => {
    const r = open({ columns: 40 });
    r.event(started(1, 'n'.repeat(200), 'l'.repeat(50)));
    r.event(started(2, '名前'.repeat(50)));
    advance(100);
    const lines = strip(writes.at(-1)!).split('\n').slice(0, -1);
    expect(lines.length).toBeGreaterThanOrEqual(4);
    for (const line of lines) expect(Array.from(line).length).toBeLessThan(40);
    expect(lines.filter((l) => l.endsWith('…')).length).toBeGreaterThanOrEqual(2);
  });

  it('prints failures and warnings above the block', () => {
    const r = open();
    r.event(started(7, 'train', 'fold 3', 2));
    advance(100);
    const stack = [
      'Error: out of memory',
      ...Array.from({ length: 10 }, (_, i) => `    at f${i} (x.ts:${i})`),
    ];
    r.event({
      ...base(7, 'train', 'fold 3', 2),
      type: 'failed',
      error: { name: 'Error', message: 'out of memory', stack: stack.join('\n') },
    });
    r.event({
      type: 'log',
      runId: 'r',
      taskId: 3,
      attempt: 1,
      level: 'warn',
      message: 'disk slow',
      fields: undefined,
      time: clock,
    });
    r.event({
      type: 'log',
      runId: 'r',
      taskId: 3,
      attempt: 1,
      level: 'info',
      message: 'chatty',
      fields: undefined,
      time: clock,
    });
    advance(100);
    const frame = writes.at(-1)!;
    expect(frame.startsWith(`\r${ERASE_LINE}`)).toBe(true);
    const text = strip(frame);
    expect(text).toMatch(/failed train \[fold 3\] #7 \(attempt 2\)\n/);
    expect(text).toContain('Error: out of memory');
    expect(text).toContain('at f3');
    expect(text).not.toContain('at f4'); // five lines of the error, then …
    expect(text).toContain('warn disk slow');
    expect(text).not.toContain('chatty');
    expect(text.indexOf('out of memory')).toBeLessThan(text.search(BAR));
    r.close();
  });

  it('ends with a summary and restores the cursor, on run_finished or at exit', () => {
    const exitListeners = process.listenerCount('exit');
    const r = open();
    r.event({ type: 'run_started', runId: 'r', time: clock });
    r.event(submitted(1));
    advance(100);
    expect(writes[0]!.startsWith('\x1b[?25l')).toBe(true);
    expect(process.listenerCount('exit')).toBe(exitListeners + 1);
    clock += 2500;
    r.event(succeeded(1));
    r.event({ type: 'run_finished', runId: 'r', state: 'succeeded', time: clock });
    const end = writes.join('');
    expect(end.endsWith('\x1b[?25h')).toBe(true);
    expect(strip(end).trim().split('\n').at(-1)).toBe('run succeeded in 2.6s: 1 task, 1 done');
    expect(process.listenerCount('exit')).toBe(exitListeners);
    r.close();
    expect(writes.join('')).toBe(end);
  });

  it('colors only when allowed', () => {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: a color escape code
    const color = /\x1b\[3\dm/;
    for (const [env, colored] of [
      [{}, true],
      [{ NO_COLOR: '1' }, false],
      [{ FORCE_COLOR: '0' }, false],
    ] as const) {
      writes.length = 0;
      const r = open({ env });
      r.event(submitted(1));
      advance(100);
      expect(color.test(writes.join(''))).toBe(colored);
      r.close();
    }
  });
});
