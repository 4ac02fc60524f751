import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Vitest global setup: bundles Electron main and preload (dist/electron) with the project's own
 * build script, once, so the shell tests run exactly what `npm run build` ships.
 */
export default function setup(): void {
  const build = spawnSync(process.execPath, ['scripts/build-electron.mjs'], { cwd: join(import.meta.dirname, '..', '..'), encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`scripts/build-electron.mjs failed:\n${build.stderr || build.stdout}`);
}
