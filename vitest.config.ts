import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Tests run against the sources, so a change is tested without a build:
 * every export of every workspace package (`@weft/core`, `@weft/core/testing`,
 * ...) resolves to the source file its built file comes from.
 */
function sourceAliases(): { find: RegExp; replacement: string }[] {
  const aliases: { find: RegExp; replacement: string }[] = [];
  const packages = new URL('./packages/', import.meta.url);
  for (const dir of readdirSync(packages)) {
    const root = new URL(`${dir}/`, packages);
    let pkg: { name: string; exports?: Record<string, { default: string }> };
    try {
      pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
    } catch {
      continue;
    }
    for (const [sub, target] of Object.entries(pkg.exports ?? {})) {
      const specifier = sub === '.' ? pkg.name : `${pkg.name}/${sub.slice(2)}`;
      const source = target.default.replace(/^\.\/dist\//, './src/').replace(/\.js$/, '.ts');
      aliases.push({
        find: new RegExp(`^${specifier.replace(/[/.]/g, '\\$&')}$`),
        replacement: fileURLToPath(new URL(source, root)),
      });
    }
  }
  return aliases;
}

export default defineConfig({
  resolve: { alias: sourceAliases() },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/**/*.test.ts', 'scripts/**/*.test.ts'],
    testTimeout: 20_000,
    pool: 'forks',
  },
});
