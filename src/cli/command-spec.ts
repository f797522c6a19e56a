/**
 * What a command declares about its arguments, once: its actions and its
 * options (the `node:util` parseArgs declaration it parses with), and the
 * values an option takes. The parser, the "did you mean" answers and the
 * shell completion scripts (`tessera completion`) all read it.
 */
import type { ParseArgsConfig } from 'node:util';
import type { CliCommand } from './io.ts';

export type CliOptions = NonNullable<ParseArgsConfig['options']>;

/** Values an option takes, for completion: a list of words, or `file` for a path. */
export type OptionValues = readonly string[] | 'file';

export interface CommandSpec {
  /** `tessera <command> <action>`: the actions, when the command has any. */
  readonly actions?: readonly string[];
  readonly options: CliOptions;
  readonly values?: Readonly<Record<string, OptionValues>>;
}

/** A command module: its declaration and how it runs. */
export interface CommandModule {
  spec: CommandSpec;
  run: CliCommand;
}

/** A command as `tessera` lists it: its summary, and its module, loaded only when needed. */
export interface CommandEntry {
  summary: string;
  load: () => Promise<CommandModule>;
}
