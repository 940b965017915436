/**
 * The import-graph check of ./scripts/test, on planted trees: an import up a
 * layer, a type-only cycle, and a plugin reaching past @weft/core's exports.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkImports } from './check-imports.ts';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'weft-imports-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const LAYERS = [['util'], ['scheduler'], ['frontends']];
const PKG = JSON.stringify({ name: '@weft/core', exports: { '.': {}, './executor': {} } });

describe('check-imports', () => {
  it('passes a tree whose imports go down the layers', () => {
    const root = tree({
      'packages/core/package.json': PKG,
      'packages/core/src/util/a.ts': 'export const a = 1;\n',
      'packages/core/src/scheduler/s.ts':
        "import { a } from '../util/a.ts';\nexport const s = a;\n",
      'packages/core/src/frontends/f.ts':
        "import { s } from '../scheduler/s.ts';\nexport const f = s;\n",
    });
    expect(checkImports(root, LAYERS)).toEqual([]);
  });

  it('fails an import that goes up a layer, naming both files', () => {
    const root = tree({
      'packages/core/package.json': PKG,
      'packages/core/src/scheduler/s.ts':
        "import type { F } from '../frontends/f.ts';\nexport type S = F;\n",
      'packages/core/src/frontends/f.ts': 'export type F = number;\n',
    });
    const problems = checkImports(root, LAYERS);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toBe(
      'packages/core/src/scheduler/s.ts (layer scheduler) imports packages/core/src/frontends/f.ts (layer frontends), a layer above it',
    );
  });

  it('fails a cycle made of type-only imports', () => {
    const root = tree({
      'packages/core/package.json': PKG,
      'packages/core/src/util/a.ts': "import type { B } from './b.ts';\nexport type A = B[];\n",
      'packages/core/src/util/b.ts': "import type { A } from './a.ts';\nexport type B = A | 1;\n",
    });
    const problems = checkImports(root, LAYERS);
    expect(problems.map((p) => p.kind)).toEqual(['cycle']);
    expect(problems[0]!.message).toContain('packages/core/src/util/a.ts');
    expect(problems[0]!.message).toContain('packages/core/src/util/b.ts');
  });

  it('fails a plugin that imports @weft/core past its public exports', () => {
    const root = tree({
      'packages/core/package.json': PKG,
      'packages/queue/src/q.ts':
        "import { x } from '@weft/core/src/scheduler/s.ts';\nimport { y } from '@weft/core/executor';\nexport const q = [x, y];\n",
    });
    const problems = checkImports(root, LAYERS);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toContain(
      'imports @weft/core/src/scheduler/s.ts, which @weft/core does not export',
    );
  });

  it('fails a folder that is in no layer', () => {
    const root = tree({
      'packages/core/package.json': PKG,
      'packages/core/src/util/a.ts': "import { m } from '../misc/m.ts';\nexport const a = m;\n",
      'packages/core/src/misc/m.ts': 'export const m = 1;\n',
    });
    expect(checkImports(root, LAYERS).map((p) => p.message)).toEqual([
      'folder "misc" of packages/core/src is in no layer (add it to scripts/layers.ts)',
    ]);
  });
});
