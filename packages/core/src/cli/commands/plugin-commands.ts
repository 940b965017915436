/**
 * @module
 * The commands plugins registered, added to the program with their
 * arguments, options and examples.
 */
import { type Command, Option } from 'commander';
import { err, out } from '../format.ts';
import { type CommandDefinition, registeredCommands } from '../plugin.ts';
import { openStore } from '../store.ts';

/** Adds every registered plugin command to the program. */
export function registerPluginCommands(program: Command, done: (code: number) => void): void {
  for (const def of registeredCommands()) addCommand(program, def, done);
}

function addCommand(program: Command, def: CommandDefinition, done: (code: number) => void): void {
  const cmd = program.command(def.name).description(def.description);
  for (const a of def.arguments ?? []) {
    const name = `${a.name}${a.variadic ? '...' : ''}`;
    cmd.argument(a.optional ? `[${name}]` : `<${name}>`, a.description);
  }
  for (const o of def.options ?? []) {
    const option = new Option(o.flags, o.description);
    if (o.default !== undefined) option.default(o.default);
    if (o.choices !== undefined) option.choices(o.choices);
    if (o.parse !== undefined) option.argParser(o.parse);
    cmd.addOption(option);
  }
  if (def.examples !== undefined) cmd.addHelpText('after', def.examples);
  cmd.action(async (...params: unknown[]) => {
    const self = params[params.length - 1] as Command;
    const code = await def.run({
      args: params.slice(0, -2),
      options: self.opts(),
      cwd: process.cwd(),
      out,
      err,
      openStore: (choice) => openStore(choice),
    });
    done(code);
  });
}
