/**
 * @module
 * The renderer conformance suite. `runRendererContract({ name, create })`
 * registers vitest tests that feed a renderer event sequences and check the
 * contract written in `cli/render/renderer.ts`: every failure reported with
 * the task's name and error message, a summary naming the run's final state
 * at the end, no throw whatever the events, an idempotent `close()` after
 * which nothing is written. The suite reads the renderer's output only (with
 * ANSI escape codes removed), so it holds for any format.
 */
import { describe, expect, it } from 'vitest';
import type { Renderer, RendererOptions, RenderStream } from '../cli/render/renderer.ts';
import type { RunEvent } from '../events/events.ts';
import { EVENT_TYPES } from '../events/events.ts';

export interface RendererContractOptions {
  /** Names the suite in test reports (`renderer contract: <name>`). */
  readonly name: string;
  /** A new renderer writing to the given streams (a terminal-like sink, 80 columns). */
  readonly create: (options: RendererOptions) => Renderer;
}

/** A stream that keeps what is written, in `log` too (shared by out and err, so in order). */
interface Sink extends RenderStream {
  readonly chunks: string[];
}

function sink(log: string[]): Sink {
  const chunks: string[] = [];
  const write = (text: string) => {
    chunks.push(text);
    log.push(text);
  };
  return { chunks, isTTY: true, columns: 80, write };
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: escape codes are what it removes
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** A run's events, with increasing times. */
function events(runId = 'contract-run') {
  let time = 1_700_000_000_000;
  const next = () => {
    time += 10;
    return time;
  };
  const base = (taskId: number, name: string, label?: string) => ({
    runId,
    taskId,
    name,
    label,
    attempt: 1,
    time: next(),
  });
  return {
    runStarted: (): RunEvent => ({ type: 'run_started', runId, time: next() }),
    runFinished: (state: 'succeeded' | 'failed' | 'cancelled'): RunEvent => ({
      type: 'run_finished',
      runId,
      state,
      time: next(),
    }),
    /** submitted, ready, started, then `end` for one task. */
    lifecycle(taskId: number, name: string, end: 'succeeded' | 'failed', message = ''): RunEvent[] {
      const failed: RunEvent = {
        ...base(taskId, name),
        type: 'failed',
        error: { name: 'Error', message, stack: `Error: ${message}\n    at task (file.ts:1:1)` },
      };
      return [
        {
          ...base(taskId, name),
          type: 'submitted',
          parentId: -1,
          deps: [],
          ordinal: 0,
          argsHash: undefined,
          requirements: undefined,
        },
        { ...base(taskId, name), type: 'ready' },
        { ...base(taskId, name), type: 'started' },
        end === 'failed' ? failed : { ...base(taskId, name), type: 'succeeded' },
      ];
    },
  };
}

/** A deterministic pseudo-random generator (mulberry32). */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TYPES = EVENT_TYPES;
const IDS = [0, 1, 2, 3, 7, -1, -5, 2 ** 40, 1.5, Number.NaN, 999_999];
const NAMES = ['a', '', 'x\ny', '\x1b[31mred', 'ü🚀名前', 'n'.repeat(500), '"]<>'];
const LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** An arbitrary event, well-typed but in any order, for any id, with odd texts. */
function arbitraryEvent(rand: () => number): RunEvent {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const type = pick(TYPES);
  const name = pick(NAMES);
  const error = rand() < 0.1 ? (undefined as never) : { name: 'E', message: name, stack: name };
  const task = {
    runId: 'r',
    taskId: pick(IDS),
    name,
    label: rand() < 0.5 ? undefined : pick(NAMES),
    attempt: Math.floor(rand() * 4),
    time: 1_700_000_000_000 + Math.floor(rand() * 100_000) - 50_000,
  };
  switch (type) {
    case 'run_started':
      return { type, runId: 'r', time: task.time };
    case 'run_finished':
      return { type, runId: 'r', time: task.time, state: pick(['succeeded', 'failed'] as const) };
    case 'log':
      return { ...task, type, level: pick(LEVELS), message: name, fields: { n: 1n } };
    case 'submitted':
      return {
        ...task,
        type,
        parentId: -1,
        deps: [0, 99],
        ordinal: 0,
        argsHash: undefined,
        requirements: undefined,
      };
    case 'retrying':
      return { ...task, type, error, delayMs: rand() < 0.5 ? 10 : Number.NaN };
    case 'failed':
      return { ...task, type, error };
    case 'upstream_failed':
      return { ...task, type, upstreamId: 12345 };
    case 'cancelled':
      return { ...task, type, reason: name };
    case 'cached':
      return { ...task, type, from: undefined, cacheKey: undefined };
    default:
      return { ...task, type };
  }
}

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Registers the renderer contract's tests for one renderer.
 * @example
 * // test/render-contract.test.ts
 * runRendererContract({ name: 'plain', create: (o) => createPlainRenderer(o) });
 */
export function runRendererContract({ name, create }: RendererContractOptions): void {
  describe(`renderer contract: ${name}`, () => {
    const open = () => {
      const log: string[] = [];
      const out = sink(log);
      const err = sink(log);
      const renderer = create({ out, err, env: {} });
      // Everything written, out and err in order, escape codes removed.
      return { out, err, renderer, text: () => log.join('').replace(ANSI, '') };
    };

    it("reports each failure with the task's name and error message", () => {
      const { renderer, text } = open();
      const ev = events();
      const all = [
        ev.runStarted(),
        ...ev.lifecycle(0, 'extract_alpha', 'succeeded'),
        ...ev.lifecycle(1, 'load_beta', 'failed', 'disk full on volume seven'),
        ...ev.lifecycle(2, 'train_gamma', 'failed', 'checksum mismatch 0xBEEF'),
        ev.runFinished('failed'),
      ];
      for (const e of all) renderer.event(e);
      renderer.close();
      for (const s of [
        'load_beta',
        'disk full on volume seven',
        'train_gamma',
        'checksum mismatch 0xBEEF',
      ]) {
        expect(text()).toContain(s);
      }
    });

    it('reports failures when closed before the run finished', () => {
      const { renderer, text } = open();
      const ev = events();
      for (const e of [
        ev.runStarted(),
        ...ev.lifecycle(4, 'fetch_delta', 'failed', 'timed out at 30s'),
      ]) {
        renderer.event(e);
      }
      renderer.close();
      expect(text()).toContain('fetch_delta');
      expect(text()).toContain('timed out at 30s');
    });

    for (const state of ['succeeded', 'failed', 'cancelled'] as const) {
      it(`ends with a summary naming the final state (${state})`, () => {
        const { renderer, text } = open();
        const ev = events();
        renderer.event(ev.runStarted());
        for (let i = 0; i < 20; i++) {
          for (const e of ev.lifecycle(
            i,
            `step_${i % 3}`,
            i === 7 ? 'failed' : 'succeeded',
            'boom',
          )) {
            renderer.event(e);
          }
        }
        renderer.event(ev.runFinished(state));
        renderer.close();
        const lines = text()
          .split('\n')
          .filter((l) => l.trim() !== '');
        expect(lines.at(-1)).toContain(state);
      });
    }

    it('ends with a summary for a run with zero tasks', () => {
      const { renderer, text } = open();
      const ev = events();
      renderer.event(ev.runStarted());
      renderer.event(ev.runFinished('succeeded'));
      renderer.close();
      expect(text().trim().split('\n').at(-1)).toContain('succeeded');
    });

    it('never throws, whatever the events', async () => {
      for (let seed = 1; seed <= 40; seed++) {
        const rand = random(seed);
        const { renderer } = open();
        for (let i = 0; i < 200; i++)
          expect(() => renderer.event(arbitraryEvent(rand))).not.toThrow();
        if (seed === 1) await tick(250); // let timers draw this odd state
        expect(() => renderer.close()).not.toThrow();
        expect(() => renderer.event(arbitraryEvent(rand))).not.toThrow();
      }
    });

    it('closes idempotently and writes nothing after close', async () => {
      const { out, err, renderer } = open();
      const ev = events();
      renderer.event(ev.runStarted());
      for (let i = 0; i < 5; i++)
        for (const e of ev.lifecycle(i, 'work', 'succeeded')) renderer.event(e);
      renderer.close();
      const written = out.chunks.length + err.chunks.length;
      expect(() => renderer.close()).not.toThrow();
      for (const e of ev.lifecycle(9, 'late', 'failed', 'after close')) renderer.event(e);
      renderer.event(ev.runFinished('failed'));
      await tick(250);
      expect(out.chunks.length + err.chunks.length).toBe(written);
    });
  });
}
