// Runs the workflow under a mode: node examples/modes/main.ts [dev|prod]
import { fileURLToPath } from 'node:url';
import { run } from '@weft/core';
import { main } from './workflow.ts';

const mode = process.argv[2] ?? 'dev';
const cwd = fileURLToPath(new URL('.', import.meta.url));
const stations = await run(main, { mode, cwd });
console.log(`mode ${mode}:`);
for (const s of stations)
  console.log(
    `  ${s.station.padEnd(8)} ${String(s.count).padStart(4)} readings, mean ${s.meanC.toFixed(1)} °C`,
  );
