import { join } from 'node:path';
import { build } from 'vite';

/** Vitest global setup: one production build of the renderer for every e2e test. */
export default async function setup(): Promise<void> {
  await build({ configFile: join(import.meta.dirname, '..', '..', 'renderer', 'vite.config.ts'), logLevel: 'warn' });
}
