/**
 * @module
 * The declared files of a command: inputs must exist before it starts,
 * outputs after it ends.
 */
import { access } from 'node:fs/promises';
import { CommandInputMissingError, CommandOutputMissingError } from '../errors/command.ts';

/** The first of `paths` (absolute) that does not exist, in their order, or undefined. */
async function firstMissing(paths: readonly string[]): Promise<string | undefined> {
  if (paths.length === 0) return undefined;
  const found = await Promise.all(
    paths.map((p) =>
      access(p).then(
        () => true,
        () => false,
      ),
    ),
  );
  const i = found.indexOf(false);
  return i === -1 ? undefined : paths[i];
}

/** Throws `CommandInputMissingError` naming the first input that does not exist. */
export async function checkInputs(
  argv: readonly string[],
  inputs: readonly string[],
): Promise<void> {
  const missing = await firstMissing(inputs);
  if (missing !== undefined) throw new CommandInputMissingError(argv, missing);
}

/** Throws `CommandOutputMissingError` naming the first output that does not exist. */
export async function checkOutputs(
  argv: readonly string[],
  outputs: readonly string[],
): Promise<void> {
  const missing = await firstMissing(outputs);
  if (missing !== undefined) throw new CommandOutputMissingError(argv, missing);
}
