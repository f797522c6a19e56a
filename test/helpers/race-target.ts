/**
 * Set-up shared by the race tests: a store (a SQLite file, or a PostgreSQL
 * schema) prepared with the CLI as an operator would, one or more `tessera
 * serve` processes on it, and a way to count rows in it directly.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { runCli } from './cli.ts';
import pg from 'pg';
import { createTestSchema, type TestSchema } from './postgres.ts';
import { startServe, type LogLine, type TesseraProcess } from './spawn-tessera.ts';

export type Deployment = 'sqlite' | 'sqlite --workers 2' | 'postgres, two instances';

export interface RaceTarget {
  /** Server URLs to spread requests over (one per instance, or one for a cluster). */
  urls: string[];
  /** Runs the CLI against the store; returns its stdout. */
  cli(args: string[], stdin?: string): Promise<string>;
  /** One SQL query with `?` placeholders against the store, its rows. */
  query(sql: string, values: unknown[]): Promise<Record<string, unknown>[]>;
  /** Every JSON log line the servers wrote so far (their log level is info). */
  lines(): LogLine[];
  close(): Promise<void>;
}

/** Prepares the store with `setup` CLI commands, then starts the servers with `serveArgs`. */
export async function startRaceTarget(deployment: Deployment, setup: { args: string[]; stdin?: string }[], serveArgs: string[]): Promise<RaceTarget> {
  let dir: string | undefined;
  let schema: TestSchema | undefined;
  let db: string;
  if (deployment.startsWith('sqlite')) {
    dir = mkdtempSync(join(tmpdir(), 'tessera-race-'));
    db = join(dir, 'race.db');
  } else {
    schema = await createTestSchema();
    db = schema.url;
  }
  const cli = async (args: string[], stdin?: string) => {
    const res = await runCli([...args, '--db', db], { stdin });
    assert.equal(res.code, 0, `${args.join(' ')}: ${res.stderr}`);
    return res.stdout;
  };
  await cli(['init']);
  for (const step of setup) await cli(step.args, step.stdin);
  const servers: (TesseraProcess & { url: string })[] = [];
  const env = { TESSERA_LOG_LEVEL: 'info' };
  if (deployment === 'sqlite') servers.push(await startServe(['--db', db, ...serveArgs], env));
  else if (deployment === 'sqlite --workers 2') servers.push(await startServe(['--db', db, '--workers', '2', ...serveArgs], env));
  else servers.push(...(await Promise.all([0, 1].map(() => startServe(['--db', db, ...serveArgs], env)))));
  const query = async (sql: string, values: unknown[]) => {
    if (schema !== undefined) {
      let n = 0;
      const client = new pg.Client({ connectionString: schema.url });
      await client.connect();
      try {
        return (await client.query(sql.replace(/\?/g, () => `$${++n}`), values)).rows;
      } finally {
        await client.end();
      }
    }
    const sqlite = new DatabaseSync(db);
    try {
      return sqlite.prepare(sql).all(...(values as string[])) as Record<string, unknown>[];
    } finally {
      sqlite.close();
    }
  };
  return {
    urls: servers.map((s) => s.url),
    cli,
    query,
    lines: () => servers.flatMap((s) => s.lines),
    async close() {
      const exits = await Promise.all(servers.map((s) => s.stop()));
      await schema?.drop();
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
      assert.deepEqual(exits.map((e) => e.code), servers.map(() => 0));
    },
  };
}

/** A form POST to `path` on `url`; resolves with the status and JSON body. */
export async function post(url: string, path: string, form: Record<string, string>, authorization?: string): Promise<{ status: number; body: Record<string, any> }> {
  const res = await fetch(new URL(path, url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(authorization === undefined ? {} : { authorization }) },
    body: new URLSearchParams(form).toString(),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? {} : JSON.parse(text) };
}

/**
 * What a lockout's row must say after a burst of wrong guesses and the right
 * one: when the right one got through (it was among the guesses checked, and
 * cleared the count), at most `maxFailures` counted since; otherwise exactly
 * `maxFailures` counted and a lock in force. Returns whether it got through.
 */
export function assertLockAfterBurst(rightStatus: number, lock: Record<string, unknown> | undefined, maxFailures: number): boolean {
  if (rightStatus === 200) {
    assert.ok(Number(lock?.failed_count ?? 0) <= maxFailures, JSON.stringify(lock));
    return true;
  }
  assert.equal(Number(lock!.failed_count), maxFailures, `failures counted: ${JSON.stringify(lock)}`);
  assert.ok(lock!.locked_until !== null, 'locked');
  return false;
}
