/**
 * What every seed replay shares: the seed files themselves (shared/seeds,
 * beside the repository), the set-up commands of docs/dialects.md run with
 * the real CLI exactly as written there (only the database file is moved to a
 * temporary directory), a real `tessera serve` started the same way, and
 * helpers to read what a seed documents.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli, startCliServer, type CliResult, type CliServer } from '../helpers/cli.ts';

/** The repository's root: where the docs' relative paths (examples/seeds.config.json) are read from. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The seed documents, beside the repository (`shared/seeds`), as CI lays them out. */
export const SEEDS_DIR = join(ROOT, '..', 'shared', 'seeds');

/** The text of seed `number` (`000`…`004`), as the vendor published it. */
export function seedText(number: string): string {
  const file = readdirSync(SEEDS_DIR).find((name) => name.startsWith(`${number}_`));
  if (file === undefined) throw new Error(`no seed ${number} in ${SEEDS_DIR}`);
  return readFileSync(join(SEEDS_DIR, file), 'utf8');
}

/**
 * Splits a shell command line into words as sh does for the quoting the docs
 * and seeds use: single quotes (literal), double quotes (with \\" \\\\ \\$),
 * backslash escapes, and backslash-newline continuations.
 */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\' && line[i + 1] === '\n') {
      i++;
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end === -1) throw new Error(`unterminated ' in ${line}`);
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      word ??= '';
      for (i++; i < line.length && line[i] !== '"'; i++) {
        if (line[i] === '\\' && '"\\$`'.includes(line[i + 1]!)) i++;
        word += line[i];
      }
    } else if (c === '\\') {
      word = (word ?? '') + line[++i];
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** One command of the docs: its line, the CLI arguments after `tessera`, and what `printf` pipes into it. */
export interface DocCommand {
  line: string;
  args: string[];
  stdin?: string;
}

export interface DocSetup {
  /** `export NAME=value` lines. */
  env: Record<string, string>;
  /** The commands every seed needs. */
  common: DocCommand[];
  /** Each seed's commands, by number. */
  seeds: Record<string, DocCommand[]>;
}

/** The sh blocks of a markdown section. */
function shBlocks(section: string): string[] {
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

function parseCommand(line: string): DocCommand {
  const piped = /^printf ('[^']*'|\S+) \| (tessera .*)$/s.exec(line);
  const command = piped === null ? line : piped[2]!;
  const words = shellWords(command);
  if (words[0] !== 'tessera') throw new Error(`docs/dialects.md: not a tessera command: ${line}`);
  return { line, args: words.slice(1), ...(piped === null ? {} : { stdin: shellWords(piped[1]!)[0]! }) };
}

/** Reads the set-up of docs/dialects.md: the shared block, then one block per seed. */
export function docSetup(): DocSetup {
  const doc = readFileSync(join(ROOT, 'docs', 'dialects.md'), 'utf8');
  const sections = doc.split(/^## /m);
  const setup: DocSetup = { env: {}, common: [], seeds: {} };
  for (const section of sections) {
    const seed = /^Seed (\d{3})/.exec(section)?.[1];
    const shared = section.startsWith('Serving the five seeds');
    if (seed === undefined && !shared) continue;
    const commands: DocCommand[] = [];
    for (const block of shBlocks(section)) {
      for (const line of block.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim())) {
        if (line === '' || line.startsWith('#')) continue;
        const exported = /^export (\w+)=(\S+)$/.exec(line);
        if (exported !== null) setup.env[exported[1]!] = exported[2]!;
        else commands.push(parseCommand(line));
      }
    }
    if (shared) setup.common = commands;
    else setup.seeds[seed!] = commands;
  }
  return setup;
}

export interface SeedServer {
  server: CliServer;
  /** `http://127.0.0.1:<port>`. */
  url: string;
  port: number;
  /** What each set-up command printed, in order. */
  results: { command: DocCommand; result: CliResult }[];
  /** The JSON a `clients create <id>` of the set-up printed. */
  created(clientId: string): { client: Record<string, unknown>; clientSecret?: string };
  stop(): Promise<void>;
}

/**
 * Runs the docs' shared set-up and seed `number`'s commands with the real CLI,
 * in the repository's root as a user following the docs would, then starts
 * `tessera serve` (on a free port) with the same environment.
 */
export async function serveSeed(number: string): Promise<SeedServer> {
  const setup = docSetup();
  const seedCommands = setup.seeds[number];
  assert.ok(seedCommands !== undefined && seedCommands.length > 0, `docs/dialects.md has no set-up for seed ${number}`);
  const dir = mkdtempSync(join(tmpdir(), `tessera-seed-${number}-`));
  // The docs' environment, with the database file moved out of the working tree.
  const env = { ...setup.env, TESSERA_DB: join(dir, setup.env.TESSERA_DB ?? 'seeds.db') };
  const results: SeedServer['results'] = [];
  for (const command of [...setup.common, ...seedCommands]) {
    const result = await runCli(command.args, { env, cwd: ROOT, ...(command.stdin === undefined ? {} : { stdin: command.stdin }) });
    assert.equal(result.code, 0, `${command.line}\n${result.stderr}`);
    results.push({ command, result });
  }
  const server = await startCliServer([], { env, cwd: ROOT });
  const url = server.url.replace('localhost', '127.0.0.1');
  return {
    server,
    url,
    port: Number(new URL(url).port),
    results,
    created(clientId) {
      const found = results.find(({ command }) => command.args[0] === 'clients' && command.args[1] === 'create' && command.args[2] === clientId);
      assert.ok(found, `the set-up creates no client ${clientId}`);
      return JSON.parse(found.result.stdout);
    },
    async stop() {
      assert.equal(await server.stop(), 0);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Sends raw HTTP/1.1 bytes on a socket and returns everything the server answered. */
export function rawHttp(port: number, request: string): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (d) => (data += d));
    socket.on('end', () => {
      const [head = '', ...rest] = data.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') });
    });
    socket.on('error', reject);
    socket.setTimeout(15_000, () => socket.destroy(new Error('timeout')));
  });
}

/**
 * A JSON example as vendors' pages print it, read as the JSON its author
 * meant: non-breaking spaces are spaces, a `""` between a member name and its
 * value is the colon a page lost (seed 002), a comma before `}` is dropped
 * (seed 001). Member order is kept.
 */
export function documentedJson(text: string): Record<string, unknown> {
  const cleaned = text.replace(/\u00a0/g, ' ').replace(/("[\w.]+")\s*"/g, (_m, name: string) => `${name}:"`).replace(/,\s*}/g, '}');
  return JSON.parse(cleaned) as Record<string, unknown>;
}

/** The JSON type of a value, as a client's parser sees it. */
export function jsonType(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

/** Asserts `actual` has the documented members, in the documented order, each of the documented JSON type. */
export function assertSameShape(actual: Record<string, unknown>, documented: Record<string, unknown>, what: string): void {
  assert.deepEqual(Object.keys(actual), Object.keys(documented), `${what}: members and their order`);
  for (const [name, value] of Object.entries(documented)) assert.equal(jsonType(actual[name]), jsonType(value), `${what}: the type of ${name}`);
}

/** RFC 1123 dates in GMT, as seed 003 documents them: `Sun, 13 Sep 2020 09:35:33 GMT`. */
export const RFC_1123 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;
