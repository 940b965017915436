/**
 * @module
 * Running main against a `PlanGraph`, where no task ever ends, and telling
 * a static graph from a dynamic one. main waits on a node both when it
 * returns a future (an async function adopts what it returns, so it awaits
 * it) and when it awaits a result before it submits more; only the second
 * makes the graph unknowable ahead of time. When main has gone quiet with
 * waits outstanding, each is answered with a token of its own: main that
 * returned those futures now returns the tokens, and nothing else happens;
 * main that awaited one goes on with it (a new submission, a new wait, or
 * a value without it). The first wait whose token main does not return is
 * the task that makes the graph dynamic. main runs on past that point with
 * a token for a value, so what it does there is not to be relied on; its
 * submissions are discarded with the refusal.
 */
import { DynamicWorkflowError } from '../../errors/batch.ts';
import { outputOf } from '../../vocabulary/node.ts';
import { submitScope } from '../../vocabulary/scope.ts';
import type { PlanGraph } from './plan-graph.ts';

/** Event-loop turns without a new submission or wait after which main counts as quiet. */
const QUIET_TURNS = 3;

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

class Token {
  readonly ref: number;
  constructor(ref: number) {
    this.ref = ref;
  }
}

/**
 * Runs `main` building `graph`; resolves once the graph is whole. Rejects
 * with `DynamicWorkflowError` naming the first task main awaited before it
 * was done, and with what main threw.
 */
export async function planMain(graph: PlanGraph, main: () => unknown): Promise<unknown> {
  let settled = false;
  let failed = false;
  let value: unknown;
  const done = Promise.resolve()
    .then(() => submitScope.run(graph, main))
    .then(
      (v) => {
        value = v;
      },
      (error: unknown) => {
        failed = true;
        value = error;
      },
    )
    .finally(() => {
      settled = true;
    });
  const tokens: Token[] = [];
  let answered = 0;
  for (;;) {
    await quiet(graph, () => settled);
    if (settled || answered === graph.waits.length) break;
    const nodes = graph.nodes.length;
    // Answer every outstanding wait with its token, then see what main does.
    for (; answered < graph.waits.length; answered++) {
      const w = graph.waits[answered]!;
      const token = new Token(w.ref);
      tokens.push(token);
      w.resolve(token);
    }
    await turn();
    if (graph.nodes.length > nodes) break;
  }
  await Promise.race([done, turn().then(turn)]);
  if (graph.dynamic !== undefined) throw graph.dynamic;
  const first = tokens.find((t) => !returned(value, t)) ?? (settled ? undefined : tokens[0]);
  if (first !== undefined || (!settled && graph.waits.length > 0)) {
    const ref = first?.ref ?? graph.waits[0]!.ref;
    const what = graph.describe(ref);
    throw new DynamicWorkflowError(
      what,
      `main awaits the result of task ${what} before it has submitted everything`,
    );
  }
  if (failed) throw value;
  await done;
  // What main returned, with the futures it returned in place of their tokens.
  return withOutputs(value, graph);
}

function withOutputs(value: unknown, graph: PlanGraph, depth = 0): unknown {
  if (value instanceof Token) return outputOf(graph, value.ref);
  if (typeof value !== 'object' || value === null || depth > 32) return value;
  if (Array.isArray(value)) return value.map((v) => withOutputs(v, graph, depth + 1));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, withOutputs(v, graph, depth + 1)]),
  );
}

/** Resolves once main settled, or went `QUIET_TURNS` turns without adding a node or a wait. */
async function quiet(graph: PlanGraph, settled: () => boolean): Promise<void> {
  let seen = -1;
  let still = 0;
  while (!settled() && still < QUIET_TURNS) {
    await turn();
    const now = graph.nodes.length + graph.waits.length;
    if (now !== seen) {
      seen = now;
      still = 0;
    } else still++;
  }
}

/** True when main's value is the token, or holds it (in arrays and plain objects). */
function returned(value: unknown, token: Token, depth = 0): boolean {
  if (value === token) return true;
  if (typeof value !== 'object' || value === null || depth > 32) return false;
  if (Array.isArray(value)) return value.some((v) => returned(v, token, depth + 1));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  return Object.values(value).some((v) => returned(v, token, depth + 1));
}
