/**
 * The renderer as the browser host serves it, built once per run of the suite from the
 * current sources: the DOM checks must judge today's renderer, not an older dist/.
 */
import { join } from 'node:path';
import buildRenderer from '../test/support/build-renderer';

let built: Promise<string> | undefined;

export function builtRenderer(): Promise<string> {
  built ??= buildRenderer().then(() => join(import.meta.dirname, '..', 'dist', 'renderer'));
  return built;
}
