import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Tests run against the sources, so a change is tested without a build.
    alias: [
      {
        find: /^@weft\/core\/testing$/,
        replacement: fileURLToPath(
          new URL('./packages/core/src/testing/index.ts', import.meta.url),
        ),
      },
      {
        find: /^@weft\/core$/,
        replacement: fileURLToPath(new URL('./packages/core/src/index.ts', import.meta.url)),
      },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/**/*.test.ts'],
    testTimeout: 20_000,
    pool: 'forks',
  },
});
