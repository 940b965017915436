/**
 * The CLI's text helpers on their own: tables cut to a width, and the
 * `key=value` options with their errors.
 */
import { describe, expect, it } from 'vitest';
import { parsePairs, validateParams } from '../src/cli/params.js';
import { cut, table } from '../src/cli/table.js';

const plain = (_style: unknown, text: string) => text;

describe('table', () => {
  const rows = [
    { id: '1', name: 'load', error: 'the input file is corrupt and cannot be read' },
    { id: '22', name: 'a-much-longer-task-name', error: '' },
  ];
  const columns = [
    { header: 'id', value: (r: (typeof rows)[0]) => r.id, align: 'right' as const },
    { header: 'name', value: (r: (typeof rows)[0]) => r.name, shrink: true },
    { header: 'error', value: (r: (typeof rows)[0]) => r.error, shrink: true },
  ];

  it('aligns columns and shows an empty cell as -', () => {
    expect(table(columns, rows, { paint: plain })).toBe(
      [
        'id  name                     error',
        ' 1  load                     the input file is corrupt and cannot be read',
        '22  a-much-longer-task-name  -',
        '',
      ].join('\n'),
    );
  });

  it('narrows the widest shrinkable columns to fit a width, cutting with …', () => {
    const lines = table(columns, rows, { paint: plain, width: 40 }).trimEnd().split('\n');
    for (const l of lines) expect(Array.from(l).length).toBeLessThanOrEqual(40);
    expect(lines[1]).toMatch(/^ 1 {2}load +the input file.*…$/);
    expect(lines[2]).toMatch(/^22 {2}a-much-longer-t.*… +-$/);
  });

  it('puts every cell on one line', () => {
    const out = table([{ header: 'x', value: (r: string) => r }], ['a\nb\x1b[31m'], {
      paint: plain,
    });
    expect(out).toBe('x\na b [31m\n');
  });

  it('cuts by characters, not bytes', () => {
    expect(cut('ééééé', 3)).toBe('éé…');
    expect(cut('abc', 3)).toBe('abc');
  });
});

describe('key=value options', () => {
  it('parses JSON values and keeps the rest as strings', () => {
    expect(parsePairs(['n=3', 'flag=true', 'list=[1,2]', 'name=x=y', 'empty='], '--param')).toEqual(
      {
        n: 3,
        flag: true,
        list: [1, 2],
        name: 'x=y',
        empty: '',
      },
    );
  });

  it('refuses a pair without a key, naming the flag and the value', () => {
    expect(() => parsePairs(['=3'], '--set')).toThrow('--set expects key=value, got "=3"');
    expect(() => parsePairs(['novalue'], '--param')).toThrow(
      '--param expects key=value, got "novalue"',
    );
  });

  it('reports every invalid param with its key and the schema message', async () => {
    const schema = {
      '~standard': {
        version: 1 as const,
        vendor: 'test',
        validate: () => ({
          issues: [
            { message: 'must be positive', path: ['count'] },
            { message: 'is required', path: [{ key: 'name' }] },
          ],
        }),
      },
    };
    await expect(validateParams(schema, {})).rejects.toThrow(
      'invalid params:\n  - "count": must be positive\n  - "name": is required',
    );
  });
});
