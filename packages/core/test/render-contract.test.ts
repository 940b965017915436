import {
  createJsonRenderer,
  createPlainRenderer,
  createTtyRenderer,
} from '../src/cli/render/index.js';
import { runRendererContract } from '../src/testing/renderer-contract.js';

runRendererContract({ name: 'tty', create: (options) => createTtyRenderer(options) });
runRendererContract({ name: 'plain', create: (options) => createPlainRenderer(options) });
runRendererContract({
  name: 'plain, quiet',
  create: (options) => createPlainRenderer({ ...options, quiet: true }),
});
runRendererContract({ name: 'json', create: (options) => createJsonRenderer(options) });
