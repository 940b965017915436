/**
 * A file of its own: once no spawn server can start, this process starts
 * its programs directly for good.
 */

import { command, type LogEvent, type RunEvent, run, submit } from '@weft/core';
import { afterAll, describe, expect, it } from 'vitest';

// Spawn servers are the default on Linux only; test them everywhere.
process.env.WEFT_SPAWN_SERVERS = '2';
const execPath = process.execPath;
afterAll(() => {
  process.execPath = execPath;
});

describe('when no spawn server can start', () => {
  it('starts programs directly, and says why in a debug line', async () => {
    // Servers are forked from process.execPath.
    process.execPath = '/nonexistent/node';
    const events: RunEvent[] = [];
    const result = await run(
      async () => submit(command('my-parent', { argv: ['sh', '-c', 'echo $PPID'] })),
      { onEvent: (e) => events.push(e) },
    );
    expect(Number(result.stdout)).toBe(process.pid);
    const note = events.find(
      (e): e is LogEvent => e.type === 'log' && e.message.startsWith('started directly'),
    );
    expect(note).toMatchObject({ level: 'debug' });
    expect(note!.message).toContain('could not be started');
    expect(note!.message).toContain('ENOENT');
  });

  it('keeps starting them directly, without saying it again', async () => {
    process.execPath = execPath;
    const events: RunEvent[] = [];
    const result = await run(
      async () => submit(command('my-parent', { argv: ['sh', '-c', 'echo $PPID'] })),
      { onEvent: (e) => events.push(e) },
    );
    expect(Number(result.stdout)).toBe(process.pid);
    expect(events.some((e) => e.type === 'log' && e.message.startsWith('started directly'))).toBe(
      false,
    );
  });
});
