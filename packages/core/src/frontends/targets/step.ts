/**
 * @module
 * A rule's step as it runs, wherever its task runs (in the coordinator, a
 * worker thread or process, another machine): it stamps its input files,
 * skips itself when only an input's rebuild made it run and that input came
 * out the same, makes its outputs' directories, runs the rule's function
 * (with a `StepContext`) or command, checks that every declared output was
 * written (`TargetOutputMissingError`), and returns the stamps the build
 * records. A named state's value is what the function returns, or the
 * command's standard output.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type CommandSpec, command } from '../../command/command.ts';
import {
  TargetMissingError,
  TargetOutputMissingError,
  TargetRuleError,
} from '../../errors/targets.ts';
import type { Logger } from '../../vocabulary/logger.ts';
import type { TaskContext } from '../../vocabulary/task.ts';
import { shortHash, stampFile } from './files.ts';
import type {
  FileStamp,
  NeedsShape,
  StepCode,
  StepJob,
  StepResult,
  WildcardValues,
} from './model.ts';
import { need } from './need.ts';

/** What a rule's function (and a command spec function) receives. */
export interface StepContext<W extends string = string, P = unknown, I = StepInput>
  extends TaskContext {
  /** The job's target: the rule's first output, or the state's name. */
  readonly target: string;
  readonly wildcards: WildcardValues<W>;
  /** The needed targets, in the shape the rule's `needs` gave them (file paths as written). */
  readonly input: I;
  /** The files the step must write, as written (relative to the working directory). */
  readonly output: readonly string[];
  readonly params: P;
  /** The value of a needed target: a named state's value, or a file's path. */
  value<T = unknown>(target: string): T;
  /** Asks for more targets while running (dynamic dependencies); await it for their values. */
  need: typeof need;
}

/** A step's `input`: one target, a list, or named targets. */
// biome-ignore lint/suspicious/noExplicitAny: the shape follows the rule's needs.
export type StepInput = any;

// Runs a command for a step: its function is called directly, never submitted.
const runCommand = command('weft.targets.command', (spec: CommandSpec) => spec);

/** Runs one job of a rule; the task of each rule implementation calls it. */
export async function runStep(ctx: TaskContext, job: StepJob, code: StepCode): Promise<StepResult> {
  ctx.log.info(`${job.t}: runs, ${job.r}`, { target: job.t, rule: code.rule });
  const is = stampInputs(job, code);
  const prev = job.prev;
  if (prev !== undefined && sameHashes(is, prev.ih)) {
    const os = intactOutputs(job.o, prev.oh);
    if (os !== undefined) {
      ctx.log.info(`${job.t} is up to date after all: its inputs came out as they were`);
      return { is, os, skipped: true };
    }
  }
  makeDirectories(job.o);
  const step = stepContext(ctx, job, code);
  let value: unknown;
  let c: string | undefined;
  if (code.run !== undefined) value = await code.run(step);
  else {
    const spec = await commandSpec(code, step);
    c = shortHash(JSON.stringify(spec));
    const result = await runCommand.fn(ctx, spec);
    if (code.kind === 'state') value = result.stdout.replace(/\r?\n$/, '');
  }
  const os = job.o.map((path) => {
    try {
      return stampFile(path);
    } catch {
      throw new TargetOutputMissingError(code.rule, job.t, path);
    }
  });
  return code.kind === 'state'
    ? { v: value, is, os, ...(c === undefined ? {} : { c }) }
    : { is, os, ...(c === undefined ? {} : { c }) };
}

function stampInputs(job: StepJob, code: StepCode): FileStamp[] {
  return job.f.map((k) => {
    const path = job.i[k]!;
    try {
      return stampFile(path);
    } catch {
      throw new TargetMissingError(path, [{ target: job.t, rule: code.rule }]);
    }
  });
}

function sameHashes(stamps: readonly FileStamp[], hashes: readonly string[]): boolean {
  if (stamps.length !== hashes.length) return false;
  for (let k = 0; k < stamps.length; k++) if (stamps[k]![4] !== hashes[k]) return false;
  return true;
}

/** The outputs' stamps when each exists with its recorded hash, else undefined. */
function intactOutputs(
  outputs: readonly string[],
  hashes: readonly string[],
): FileStamp[] | undefined {
  const stamps: FileStamp[] = [];
  for (let k = 0; k < outputs.length; k++) {
    let s: FileStamp;
    try {
      s = stampFile(outputs[k]!);
    } catch {
      return undefined;
    }
    if (s[4] !== hashes[k]) return undefined;
    stamps.push(s);
  }
  return stamps;
}

function makeDirectories(outputs: readonly string[]): void {
  let last = '';
  for (const o of outputs) {
    const dir = dirname(o);
    if (dir !== last && dir !== '.') mkdirSync(dir, { recursive: true });
    last = dir;
  }
}

async function commandSpec(code: StepCode, step: StepContext): Promise<CommandSpec> {
  const spec =
    typeof code.command === 'function'
      ? await (code.command as (ctx: StepContext) => CommandSpec | Promise<CommandSpec>)(step)
      : code.command;
  if (typeof spec !== 'object' || spec === null) {
    throw new TargetRuleError(
      code.rule,
      `its command for ${JSON.stringify(step.target)} is not a command spec ({ argv, ... })`,
    );
  }
  return spec as CommandSpec;
}

/** The step's `input`, rebuilt from the flat list of needs and their shape. */
export function inputOf(needs: readonly string[], shape: NeedsShape): StepInput {
  if (shape === 0) return needs[0];
  if (shape === 1) return needs;
  const input: Record<string, string | readonly string[]> = {};
  let at = 0;
  for (const [key, count] of shape) {
    if (count < 0) input[key] = needs[at++]!;
    else {
      input[key] = needs.slice(at, at + count);
      at += count;
    }
  }
  return input;
}

function stepContext(ctx: TaskContext, job: StepJob, code: StepCode): StepContext {
  const value = <T>(target: string): T => {
    const box = job.v[target];
    if (box !== undefined) return box.v as T;
    if (job.i.includes(target)) return target as T;
    throw new TargetRuleError(
      code.rule,
      `ctx.value(${JSON.stringify(target)}) for ${JSON.stringify(job.t)}: it is not among the rule's needs (${job.i.map((t) => JSON.stringify(t)).join(', ') || 'none'})`,
    );
  };
  return {
    runId: ctx.runId,
    taskId: ctx.taskId,
    name: ctx.name,
    attempt: ctx.attempt,
    label: ctx.label,
    get log(): Logger {
      return ctx.log;
    },
    signal: ctx.signal,
    resources: ctx.resources,
    target: job.t,
    wildcards: job.w,
    input: inputOf(job.i, job.s),
    output: job.o,
    params: job.p,
    value,
    need,
  };
}
