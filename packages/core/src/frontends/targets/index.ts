/**
 * @module
 * The targets front end (`targets` in `@weft/core`; `rule`, `state`,
 * `build` and `need` also at the top level): rules named after what they
 * make, file targets with wildcards and named-state targets, built
 * backwards from what is asked for, with implementations chosen by
 * coordinates, dynamic dependencies (`need`) and targets set by a rule's
 * value (`next`). A rule's step is a node of the run's graph like any
 * task: it runs on any executor, is recorded, and a target is up to date
 * when its code, params and inputs' contents are those it was built from.
 * @example
 * import { build, rule } from '@weft/core';
 * export const upper = rule('out/{name}.txt', {
 *   needs: 'in/{name}.txt',
 *   command: ({ input, output }) => ({ argv: ['sh', '-c', 'tr a-z A-Z < "$1" > "$2"', 'sh', input, output[0]] }),
 * });
 * await build(['out/a.txt', 'out/b.txt'], { rules: [upper] });
 */

export { RuleBook, type RuleSet, type RulesInput, ruleSet, rulesOf } from './book.ts';
export { type BuildOptions, build, type PlanWith, plan, use } from './build.ts';
export { type Condition, coordinatesText } from './coordinates.ts';
export type { BuildReport } from './driver.ts';
export { Reason, reasonText } from './freshness.ts';
export type {
  Coordinate,
  Coordinates,
  NeedsValue,
  NextTargets,
  WildcardValues,
} from './model.ts';
export { need } from './need.ts';
export { compilePattern, matchPattern, type Pattern, type Wildcards } from './pattern.ts';
export { commandText, Plan, type PlannedJob } from './plan-view.ts';
export type { PlanOptions } from './planner.ts';
export {
  type Implementation,
  isRule,
  type Needs,
  type Rule,
  type RuleSpec,
  rule,
  type StepOptions,
  state,
  type Variant,
} from './rule.ts';
export type { StepContext, StepInput } from './step.ts';
