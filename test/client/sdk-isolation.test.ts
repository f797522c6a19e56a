/**
 * The SDK imports nothing from the server and nothing outside the Web
 * platform: checked statically on the source, and by type-checking the entry
 * point with DOM types only (no @types/node), as a browser or edge bundle would.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const clientDir = join(root, 'src', 'client');
/** Files outside the portable SDK: separate entry points that may use Node. */
const NODE_ENTRY_POINTS = new Set(['node-transport.ts']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Comments removed, so prose like "see node:http" cannot hide or fake an import. */
function code(path: string): string {
  return readFileSync(path, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

/** Every module specifier in static imports, re-exports, dynamic imports and require calls. */
function specifiers(source: string): string[] {
  const patterns = [/\b(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"`]([^'"`]+)['"`]/g, /\brequire\s*\(\s*['"`]([^'"`]+)['"`]/g];
  return patterns.flatMap((p) => [...source.matchAll(p)].map((m) => m[1] ?? ''));
}

/** Files reachable from index.ts through relative imports. */
function reachableFromIndex(): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of specifiers(code(file))) if (spec.startsWith('.')) visit(resolve(dirname(file), spec));
  };
  visit(join(clientDir, 'index.ts'));
  return seen;
}

describe('SDK isolation', () => {
  const files = sourceFiles(clientDir);

  test('finds the SDK sources and their imports (guards the checks below against scanning nothing)', () => {
    assert.ok(files.length >= 10, `only ${files.length} files found`);
    assert.ok(specifiers(code(join(clientDir, 'index.ts'))).length >= 10);
  });

  test('no import specifier leaves src/client', () => {
    for (const file of files) {
      for (const spec of specifiers(code(file))) {
        if (!spec.startsWith('.')) continue;
        const target = resolve(dirname(file), spec);
        assert.ok(target.startsWith(clientDir + sep), `${relative(root, file)} imports ${spec}, outside src/client`);
        assert.ok(spec.endsWith('.ts'), `${relative(root, file)} imports ${spec} without the .ts extension`);
      }
    }
  });

  test('no bare package imports anywhere in src/client', () => {
    for (const file of files) {
      for (const spec of specifiers(code(file))) {
        const allowed = spec.startsWith('.') || (spec.startsWith('node:') && NODE_ENTRY_POINTS.has(relative(clientDir, file)));
        assert.ok(allowed, `${relative(root, file)} imports '${spec}'`);
      }
    }
  });

  test('nothing reachable from index.ts imports node: or uses Node globals', () => {
    const reachable = reachableFromIndex();
    assert.ok(reachable.size >= 10);
    for (const file of reachable) {
      const name = relative(clientDir, file);
      assert.ok(!NODE_ENTRY_POINTS.has(name), `index.ts reaches ${name}`);
      const source = code(file);
      assert.deepEqual(specifiers(source).filter((s) => s.startsWith('node:')), [], `${name} imports node:`);
      assert.doesNotMatch(source, /\b(Buffer|process|__dirname|require)\b\s*[.(]/, `${name} uses a Node global`);
    }
  });

  test('the entry point type-checks with DOM types and without @types/node', { timeout: 120_000 }, async () => {
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await promisify(execFile)(process.execPath, [tsc, '-p', join(root, 'test', 'client', 'tsconfig.sdk.json')], { cwd: root }).then(
      (r) => ({ code: 0, output: r.stdout + r.stderr }),
      (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` }),
    );
    assert.equal(result.code, 0, result.output);
  });
});
