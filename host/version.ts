import { createRequire } from 'node:module';

/** The product version, from package.json (one source of truth). */
export const version: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
