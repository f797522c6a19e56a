/**
 * The command-line flags of an entity's settings, derived from their
 * declarations (admin/settings/): the parseArgs options, the usage text, and
 * the settings object the given flags make (the service checks the values).
 */
import { AdminError } from '../admin/admin-error.ts';
import { flagsOf, type Fields } from '../admin/settings/field.ts';
import type { CliOptions as Options, OptionValues } from './command-spec.ts';
import { UsageError } from './usage-error.ts';

/** The parseArgs options of every flag of `fields` but those named in `except`. */
export function settingOptions(fields: Fields, except: readonly string[] = []): Options {
  const options: Options = {};
  for (const { flag } of flagsOf(fields)) {
    if (except.includes(flag.name)) continue;
    options[flag.name] = { type: flag.kind === 'switch' ? 'boolean' : 'string', ...(flag.multiple ? { multiple: true } : {}) };
    if (flag.off !== undefined) options[flag.off] = { type: 'boolean' };
  }
  return options;
}

/** The values of the flags of `fields` that take one of a fixed few (for shell completion). */
export function settingValues(fields: Fields): Record<string, OptionValues> {
  return Object.fromEntries(flagsOf(fields).flatMap(({ flag }) => (flag.choices === undefined ? [] : [[flag.name, flag.choices]])));
}

/** `[--name VALUE] [--switch | --off] …` for a usage text, wrapped below 100 columns, continued lines indented by `indent` spaces. */
export function settingUsage(fields: Fields, except: readonly string[] = [], indent = 4): string {
  const parts = flagsOf(fields)
    .filter(({ flag }) => !except.includes(flag.name))
    .map(({ flag }) => {
      const on = flag.kind === 'switch' ? `--${flag.name}` : `--${flag.name} ${flag.hint}${flag.multiple ? ' ...' : ''}`;
      return flag.off === undefined ? `[${on}]` : `[${on} | --${flag.off}]`;
    });
  const lines: string[] = [];
  for (const part of parts) {
    if (lines.length > 0 && lines.at(-1)!.length + part.length < 100 - indent) lines[lines.length - 1] += ` ${part}`;
    else lines.push(part);
  }
  return lines.join(`\n${' '.repeat(indent)}`);
}

/** The settings (nested where the declaration nests) that the given flags set; nothing for flags not given. */
export function settingsFromFlags(fields: Fields, values: Record<string, unknown>): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const { flag, path, field } of flagsOf(fields)) {
    const on = values[flag.name];
    const off = flag.off === undefined ? undefined : values[flag.off];
    if (on !== undefined && on !== false && off === true) throw new UsageError(`use one of --${flag.name} and --${flag.off}`);
    if (off !== true && (on === undefined || on === false)) continue;
    let value: unknown;
    // A bad value is a usage mistake, named by its flag (the service would name the API field).
    try {
      value = off === true ? (flag.kind === 'switch' ? false : null) : flag.read(on as string | boolean);
      field.check(value, path.join('.'));
    } catch (error) {
      if (error instanceof AdminError) throw new UsageError(`--${flag.name} ${error.message.slice(error.message.indexOf(': ') + 2)}`);
      throw error;
    }
    let target = settings;
    for (const key of path.slice(0, -1)) target = (target[key] ??= {}) as Record<string, unknown>;
    const last = path.at(-1)!;
    // A flag that sets several members of an object (--rate-limit) and flags of members inside it (--secret-lockout-*) add up.
    const existing = target[last];
    target[last] = isObject(existing) && isObject(value) ? { ...value, ...existing } : value;
  }
  return settings;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
