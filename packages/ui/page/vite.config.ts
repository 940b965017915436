/**
 * @module
 * Builds the page of `weft ui` (React, one HTML file and hashed assets)
 * into the package's `dist/page`, which the server serves:
 * `npm run build:page -w @weft/ui`. The licences of the packages bundled
 * into it go beside it (`dist/page/licenses.txt`): elkjs (EPL-2.0, its
 * source at https://github.com/kieler/elkjs), React (MIT).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const BUNDLED = ['elkjs', 'react', 'react-dom', 'scheduler'];
const require = createRequire(import.meta.url);

/** Writes the licence of each bundled package, with its version and home, to `licenses.txt`. */
function licenses(): Plugin {
  return {
    name: 'weft-ui-licenses',
    apply: 'build',
    generateBundle() {
      const parts = BUNDLED.map((name) => {
        const manifest = require.resolve(`${name}/package.json`);
        const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as {
          version: string;
          license: string;
          homepage?: string;
        };
        const dir = dirname(manifest);
        const file = readdirSync(dir).find((f) => /^licen[cs]e/i.test(f));
        const text = file === undefined ? '' : readFileSync(join(dir, file), 'utf8');
        return `${name} ${pkg.version} (${pkg.license}) ${pkg.homepage ?? ''}\n\n${text}`;
      });
      this.emitFile({
        type: 'asset',
        fileName: 'licenses.txt',
        source: parts.join(`\n${'='.repeat(72)}\n\n`),
      });
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [react(), licenses()],
  // React's production build, whatever NODE_ENV the build runs under (vitest sets it to test).
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist/page', import.meta.url)),
    emptyOutDir: true,
    reportCompressedSize: false,
    // elkjs is one large module; it is loaded by the layout worker alone.
    chunkSizeWarningLimit: 2500,
    // Quiet: no report of which plugin took how long (elkjs makes the worker slow to bundle).
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
  worker: {
    format: 'es',
    rolldownOptions: {
      checks: { bundlerTimings: false },
      output: {
        banner:
          '/*! elkjs (Eclipse Layout Kernel), EPL-2.0 OR GPL-3.0-or-later; source: https://github.com/kieler/elkjs; see /licenses.txt */',
      },
    },
  },
});
