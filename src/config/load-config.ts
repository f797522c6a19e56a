/**
 * Where configuration comes from, later sources winning: defaults, a JSON
 * file (`--config` / TESSERA_CONFIG), environment variables, command-line flags.
 */
import { readFileSync } from 'node:fs';
import { ConfigError, validateConfig, type TesseraConfig } from './config.ts';

/** Environment variables and the keys they set. */
export const ENVIRONMENT_KEYS: Record<string, keyof TesseraConfig> = {
  TESSERA_HOST: 'host',
  TESSERA_PORT: 'port',
  TESSERA_DB: 'database',
  TESSERA_PUBLIC_URL: 'publicUrl',
  TESSERA_LOG_LEVEL: 'logLevel',
  TESSERA_DEFAULT_TENANT: 'defaultTenant',
  TESSERA_WORKERS: 'workers',
  TESSERA_CONSOLE: 'console',
};

export interface ConfigSources {
  /** Path of a JSON config file. */
  file?: string | undefined;
  env?: Record<string, string | undefined>;
  /** Values from flags, already named by config key. */
  flags?: Partial<Record<keyof TesseraConfig, unknown>>;
}

export function loadConfig(sources: ConfigSources): TesseraConfig {
  const env = sources.env ?? {};
  const file = sources.file ?? env.TESSERA_CONFIG;
  const fromFile = file === undefined ? {} : readConfigFile(file);
  const fromEnv: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(ENVIRONMENT_KEYS)) {
    if (env[name] !== undefined && env[name] !== '') fromEnv[key] = env[name];
  }
  const fromFlags = Object.fromEntries(Object.entries(sources.flags ?? {}).filter(([, v]) => v !== undefined));
  return validateConfig({ ...fromFile, ...fromEnv, ...fromFlags });
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError('file', `${path} cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError('file', `${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ConfigError('file', `${path} must hold a JSON object`);
  return value as Record<string, unknown>;
}
