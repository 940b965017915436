/**
 * @module
 * Runs the demo pipeline and prints what happens, then the report.
 *
 *     npx tsc -b && node examples/pipeline/main.ts [data-dir]
 */
import { type RunEvent, startRun } from '@weft/core';
import { formatReport, main } from './workflow.ts';

const dataDir = process.argv[2];
const handle = startRun(() => main(dataDir));

for await (const event of handle.events) {
  const line = eventLine(event);
  if (line !== undefined) console.log(line);
}

try {
  const report = await handle.result();
  console.log(`\n${formatReport(report)}`);
} catch (error) {
  console.error(`\n${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}

/** One line for the events worth showing; undefined for the others. */
function eventLine(event: RunEvent): string | undefined {
  switch (event.type) {
    case 'started':
    case 'succeeded':
      return `${event.type.padEnd(9)}  ${event.label ?? event.name}, attempt ${event.attempt}`;
    case 'retrying':
      return (
        `${'retrying'.padEnd(9)}  ${event.label ?? event.name}: attempt ${event.attempt} failed ` +
        `(${event.error.message}); next attempt in ${Math.round(event.delayMs)} ms`
      );
    case 'failed':
      return `${'failed'.padEnd(9)}  ${event.label ?? event.name}, attempt ${event.attempt}: ${event.error.message}`;
    default:
      return undefined;
  }
}
