/**
 * The layers of src/ and the one direction imports point (docs/architecture.md):
 * a test fails on an import that points the wrong way and on any import cycle.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';

const SRC = resolve(import.meta.dirname, '../../src');

/** Each layer and the layers it may import. Every folder of src/ must be one. */
const ALLOWED: Record<string, readonly string[]> = {
  runtime: [],
  protocol: [],
  core: ['runtime', 'protocol'],
  config: ['core'],
  store: ['core', 'runtime'],
  admin: ['core'],
  http: ['core', 'admin', 'config', 'protocol', 'runtime'],
  server: ['core', 'admin', 'config', 'http', 'store', 'protocol', 'runtime'],
  cli: ['server', 'core', 'admin', 'config', 'store', 'client'],
  client: [],
  verify: ['protocol'],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : name.endsWith('.ts') ? [path] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g;

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2]!;
    if (spec.startsWith('.')) found.push(resolve(dirname(file), spec));
  }
  return found;
}

const layerOf = (file: string) => {
  const rel = relative(SRC, file);
  return rel.includes('/') ? rel.split('/')[0]! : undefined; // src/index.ts, the package entry, may import anything
};

const all = files(SRC);
const graph = new Map(all.map((f) => [f, importsOf(f)]));

/** Imports from a layer to one it may not import, as `from → to`. */
function wrongWayImports(imports: ReadonlyMap<string, readonly string[]>): string[] {
  const wrong: string[] = [];
  for (const [file, targets] of imports) {
    const from = layerOf(file);
    if (from === undefined) continue;
    for (const target of targets) {
      const to = layerOf(target);
      if (to === undefined) wrong.push(`${relative(SRC, file)} imports the package entry`);
      else if (to !== from && !ALLOWED[from]!.includes(to)) wrong.push(`${relative(SRC, file)} → ${relative(SRC, target)}`);
    }
  }
  return wrong;
}

/** Every import cycle between files, as `a → b → a`. */
function importCycles(imports: ReadonlyMap<string, readonly string[]>): string[] {
  const state = new Map<string, 'visiting' | 'done'>();
  const cycles: string[] = [];
  const visit = (file: string, path: string[]) => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'visiting') {
      cycles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(SRC, f)).join(' → '));
      return;
    }
    state.set(file, 'visiting');
    for (const next of imports.get(file) ?? []) if (imports.has(next)) visit(next, [...path, file]);
    state.set(file, 'done');
  };
  for (const file of imports.keys()) visit(file, []);
  return cycles;
}

describe('layers', () => {
  it('puts every folder of src/ in a known layer', () => {
    const folders = new Set(all.map(layerOf).filter((l) => l !== undefined));
    for (const folder of folders) assert.ok(folder in ALLOWED, `src/${folder} is in no layer`);
  });

  it('has imports that point one way: each layer imports only the layers below it', () => {
    assert.deepEqual(wrongWayImports(graph), []);
  });

  it('has no import cycle between files', () => {
    assert.deepEqual(importCycles(graph), []);
  });

  it('keeps the client SDK and the verifier free of Node built-ins, so they run on any runtime with fetch and Web Crypto', () => {
    const nodeImports = all
      .filter((f) => ['client', 'verify', 'protocol'].includes(layerOf(f) ?? ''))
      .filter((f) => !f.endsWith('node-transport.ts') && !f.endsWith('express.ts'))
      .flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/from '(node:[^']+)'/g)].map((m) => `${relative(SRC, f)}: ${m[1]}`));
    assert.deepEqual(nodeImports, []);
  });

  it('would catch a wrong-way import and a cycle', () => {
    const at = (path: string) => join(SRC, path);
    const bad = new Map([
      [at('core/a.ts'), [at('http/b.ts')]],
      [at('http/b.ts'), [at('http/c.ts')]],
      [at('http/c.ts'), [at('http/b.ts')]],
    ]);
    assert.deepEqual(wrongWayImports(bad), ['core/a.ts → http/b.ts']);
    assert.deepEqual(importCycles(bad), ['http/b.ts → http/c.ts → http/b.ts']);
  });
});
