/**
 * Resolves the published package names (`@tessera-oauth/verify`, …) to their
 * sources in src/, in this process, as tsconfig.json's `paths` do for the type
 * checker: code that imports what a user writes (examples/) then runs without
 * a build. Import this module before the code that uses the names, and that
 * code with a dynamic `import()` (static imports are all resolved first).
 * The packages as built and installed are tested by test/package/.
 */
import { readFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const root = new URL('../../', import.meta.url);
const tsconfig = JSON.parse(readFileSync(new URL('tsconfig.json', root), 'utf8')) as { compilerOptions: { paths: Record<string, [string]> } };

/** Each published name and the source file it resolves to. */
export const SOURCE_PACKAGES: ReadonlyMap<string, string> = new Map(
  Object.entries(tsconfig.compilerOptions.paths).map(([name, [path]]) => [name, new URL(path, root).href]),
);

registerHooks({
  resolve(specifier, context, nextResolve) {
    const source = SOURCE_PACKAGES.get(specifier);
    return source === undefined ? nextResolve(specifier, context) : { url: source, shortCircuit: true };
  },
});
