// Worker entry points must run as compiled JavaScript, from dist/. From dist a
// worker file sits beside the module that starts it; under vitest that module
// is a .ts file in src/, and the worker is taken from the build.
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The compiled `name` in the folder of the module at `callerUrl` (its import.meta.url). */
export function builtSibling(callerUrl: string, name: string): string {
  const here = dirname(fileURLToPath(callerUrl));
  const beside = join(here, name);
  return existsSync(beside) ? beside : join(ROOT, 'dist', relative(join(ROOT, 'src'), here), name);
}
