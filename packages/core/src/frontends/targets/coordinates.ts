/**
 * @module
 * Coordinates: values known only at run time (the platform, the mode,
 * parameters, values an earlier rule discovered) that select which
 * implementation of a rule is used, so that the graph's shape follows them.
 * A build's coordinates are only ever added to: a key once set keeps its
 * value (`TargetCoordinateError` otherwise).
 */
import { describeValue } from '../../errors/base.ts';
import { InvalidOptionError } from '../../errors/run.ts';
import { TargetCoordinateError } from '../../errors/targets.ts';
import type { Coordinate, Coordinates } from './model.ts';

/** When an implementation applies: coordinates it needs (a list: any of them), or a predicate. */
export type Condition =
  | Readonly<Record<string, Coordinate | readonly Coordinate[]>>
  | ((coordinates: Coordinates) => boolean);

const ALWAYS = { test: () => true, text: 'always' };

/** A condition as a test, and as text for messages. */
export function compileCondition(
  when: Condition | undefined,
  where: string,
): { test: (c: Coordinates) => boolean; text: string } {
  if (when === undefined) return ALWAYS;
  if (typeof when === 'function') {
    return { test: (c) => when(c) === true, text: 'when its predicate holds' };
  }
  if (typeof when !== 'object' || when === null) {
    throw new InvalidOptionError(
      `${where}: when must be an object of coordinates or a predicate, got ${describeValue(when)}`,
    );
  }
  const entries = Object.entries(when).map(([key, v]) => {
    const values = Array.isArray(v) ? (v as readonly Coordinate[]) : [v as Coordinate];
    for (const x of values) checkCoordinate(key, x, where);
    return [key, values] as const;
  });
  return {
    test: (c) =>
      entries.every(([key, values]) => Object.hasOwn(c, key) && values.includes(c[key]!)),
    text: `when ${entries.map(([k, vs]) => `${k} = ${vs.map(show).join(' or ')}`).join(', ')}`,
  };
}

function checkCoordinate(key: string, value: unknown, where: string): void {
  const t = typeof value;
  if (t !== 'string' && t !== 'number' && t !== 'boolean') {
    throw new InvalidOptionError(
      `${where}: the coordinate ${key} must be a string, a number or a boolean, got ${describeValue(value)}`,
    );
  }
}

function show(v: Coordinate): string {
  return typeof v === 'string' ? `'${v}'` : String(v);
}

/** `{ platform: 'linux', caller: 'gatk' }`. */
export function coordinatesText(c: Coordinates): string {
  const keys = Object.keys(c);
  return keys.length === 0 ? '{}' : `{ ${keys.map((k) => `${k}: ${show(c[k]!)}`).join(', ')} }`;
}

/** The coordinates every build starts from: `platform` and `arch` of this process, and the mode if any. */
export function baseCoordinates(mode: string | undefined): Record<string, Coordinate> {
  const base: Record<string, Coordinate> = { platform: process.platform, arch: process.arch };
  if (mode !== undefined) base.mode = mode;
  return base;
}

/** A build's coordinates: read as a frozen object, added to with `add`. */
export class CoordinateSet {
  #values: Coordinates;
  /** Counts the changes, so that what was selected under older coordinates can be chosen again. */
  generation = 0;

  constructor(initial: Readonly<Record<string, unknown>>, where: string) {
    const values: Record<string, Coordinate> = {};
    for (const [k, v] of Object.entries(initial)) {
      checkCoordinate(k, v, where);
      values[k] = v as Coordinate;
    }
    this.#values = Object.freeze(values);
  }

  get values(): Coordinates {
    return this.#values;
  }

  /** Adds coordinates (`by` names who sets them, for messages); returns whether any was new. */
  add(more: Readonly<Record<string, unknown>> | undefined, by: string): boolean {
    if (more === undefined) return false;
    if (typeof more !== 'object' || more === null) {
      throw new InvalidOptionError(
        `${by}: coordinates must be an object, got ${describeValue(more)}`,
      );
    }
    let next: Record<string, Coordinate> | undefined;
    for (const [k, v] of Object.entries(more)) {
      checkCoordinate(k, v, by);
      if (Object.hasOwn(this.#values, k)) {
        if (this.#values[k] !== v) {
          throw new TargetCoordinateError(k, show(this.#values[k]!), show(v as Coordinate), by);
        }
        continue;
      }
      next ??= { ...this.#values };
      next[k] = v as Coordinate;
    }
    if (next === undefined) return false;
    this.#values = Object.freeze(next);
    this.generation++;
    return true;
  }
}
