#!/usr/bin/env node
// The `weft` command. It runs the built JavaScript (npx tsc -b): Node does
// not strip TypeScript types from files under node_modules.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `error: weft needs Node 22.18 or newer (it runs TypeScript workflows through Node's type stripping and stores runs with node:sqlite); this is Node ${process.versions.node}\n`,
  );
  process.exit(2);
}
const { cli } = await import('../dist/cli/main.js');
await cli();
