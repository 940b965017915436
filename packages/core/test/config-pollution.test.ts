/**
 * Outside input never reaches an object's prototype: every merge of config
 * (WEFT_CONFIG, the config option, WEFT__ variables, overrides) and the
 * --param pairs refuse the keys __proto__, constructor and prototype, at
 * any depth, with a message naming where the key came from.
 */
import { ConfigFileError } from '@weft/core';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePairs } from '../src/cli/params.js';
import { mergeConfig } from '../src/config/sources.js';
import { cleanEnv, cleanup, project, weft } from './fixtures/cli/harness.ts';
import { thrown } from './helpers.ts';

afterEach(() => {
  // Whatever a failing case did, later tests see a clean Object.prototype.
  delete (Object.prototype as Record<string, unknown>).polluted;
});

const polluted = (): unknown => ({}) as Record<string, unknown>;

describe('config merges refuse reserved keys', () => {
  it.each([
    [
      'WEFT_CONFIG',
      { env: { WEFT_CONFIG: '{"__proto__":{"polluted":"YES"}}' } },
      'WEFT_CONFIG uses the reserved key "__proto__"',
    ],
    [
      'WEFT_CONFIG, nested',
      { env: { WEFT_CONFIG: '{"db":{"constructor":{"prototype":{"polluted":"YES"}}}}' } },
      'WEFT_CONFIG uses the reserved key "constructor" at db',
    ],
    [
      'the config option',
      { options: JSON.parse('{"db":{"__proto__":{"polluted":"YES"}}}') },
      'the config option uses the reserved key "__proto__" at db',
    ],
    [
      'a WEFT__ variable',
      { env: { WEFT__db__constructor__prototype__polluted: 'YES' } },
      'config override "db.constructor.prototype.polluted" uses the reserved key "constructor"',
    ],
    [
      'a WEFT__ variable with an object value',
      { env: { WEFT__db: '{"__proto__":{"polluted":"YES"}}' } },
      'WEFT__db uses the reserved key "__proto__"',
    ],
    [
      'an override',
      { overrides: { 'db.__proto__.polluted': 'YES' } },
      'config override "db.__proto__.polluted" uses the reserved key "__proto__"',
    ],
  ])('%s', (_name, sources, message) => {
    const error = thrown(() => mergeConfig(sources));
    expect(error).toBeInstanceOf(ConfigFileError);
    expect((error as Error).message).toContain(message);
    expect((polluted() as { polluted?: unknown }).polluted).toBeUndefined();
  });
});

describe('--param pairs refuse reserved keys', () => {
  it('as a name', () => {
    expect(
      (thrown(() => parsePairs(['__proto__={"polluted":"YES"}'], '--param')) as Error).message,
    ).toBe('--param __proto__: "__proto__" is a reserved key and cannot be a name');
  });

  it('inside a JSON value', () => {
    expect(
      (thrown(() => parsePairs(['x={"a":{"__proto__":{"p":1}}}'], '--param')) as Error).message,
    ).toBe('--param x: its value uses a reserved key (__proto__, constructor or prototype)');
    expect((polluted() as { p?: unknown }).p).toBeUndefined();
  });
});

describe('weft run with a polluting WEFT_CONFIG', () => {
  afterEach(cleanup);

  it('exits 2 naming the key, and runs nothing', async () => {
    const dir = project();
    const r = await weft(
      ['run', 'steps.ts'],
      dir,
      cleanEnv({ WEFT_CONFIG: '{"__proto__":{"polluted":"YES"}}' }),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('WEFT_CONFIG uses the reserved key "__proto__"');
  });
});
