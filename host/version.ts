import pkg from '../package.json' with { type: 'json' };

/** The product version, from package.json (one source of truth; bundled into Electron main). */
export const version: string = pkg.version;
