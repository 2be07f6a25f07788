import { transformFile } from '@swc/core';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const BACKEND = fileURLToPath(new URL('../../../', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [p] : [];
  });
}

/**
 * Transpiles backend/src with swc (the compiler jest uses) into a private directory and returns the path of its
 * main.js. The child process then runs exactly the sources under test, whether or not `backend/dist` is stale, and a
 * type error elsewhere in the tree (tsc's job) cannot stop the fault tests. Each test file gets its own copy, so
 * files running in parallel never write over each other. `data/` is linked so `../../data` resolves as in dist.
 */
export async function buildBackend(): Promise<{ main: string; dir: string; remove(): void }> {
  const root = join(BACKEND, 'test-artifacts');
  mkdirSync(root, { recursive: true });
  const dir = mkdtempSync(join(root, 'reliability-build-'));
  symlinkSync(join(BACKEND, 'data'), join(dir, 'data'));
  const src = join(BACKEND, 'src');
  await Promise.all(
    sources(src).map(async (file) => {
      const out = join(dir, 'src', relative(src, file)).replace(/\.ts$/, '.js');
      const { code } = await transformFile(file, {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
          keepClassNames: true,
        },
        module: { type: 'es6' },
        sourceMaps: false,
      });
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, code);
    }),
  );
  return { main: join(dir, 'src', 'main.js'), dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
