/**
 * The renderer as the browser host serves it, built once per run of the suite from the
 * current sources: the DOM checks must judge today's renderer, not an older dist/. Built in a
 * child process, so that the build's memory is not counted in the app's figures.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
let built: Promise<string> | undefined;

export function builtRenderer(): Promise<string> {
  built ??= new Promise((resolve, reject) => {
    const run = spawn('npx', ['vite', 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    run.once('error', reject);
    run.once('exit', (code) => (code === 0 ? resolve(join(ROOT, 'dist', 'renderer')) : reject(new Error(`the renderer build failed (exit ${code})`))));
  });
  return built;
}
