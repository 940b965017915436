import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Tests run against the sources, so a change is tested without a build.
    alias: [
      {
        find: /^weft\/testing$/,
        replacement: fileURLToPath(
          new URL('./packages/weft/src/testing/index.ts', import.meta.url),
        ),
      },
      {
        find: /^weft$/,
        replacement: fileURLToPath(new URL('./packages/weft/src/index.ts', import.meta.url)),
      },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/**/*.test.ts'],
    testTimeout: 20_000,
    pool: 'forks',
  },
});
