/**
 * The lab's simulators (CUPS, WebDialer, CTI gateway, the bulk publisher) speak their protocols
 * with their own encoders and decoders (lab/xml, lab/cups/soap-codec.ts, lab/webdialer/
 * webdialer-codec.ts, lab/cti/csta-codec.ts, lab/sip/publisher-codec.ts). A simulator that used
 * the client's codec would agree with every bug in it, and no test would see the bug. This test
 * fails when any file under lab/ imports one of the client's codec modules, type-only or not.
 *
 * Allowed: the client's data types (core/cups/types, core/dialing), small helpers that are no
 * codec (core/uri, core/events), and the SIP account the colleague bots run on (core/sip).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

/** The client's codec modules (paths from the repository root, without extension; a trailing `/` is a whole folder). */
const CLIENT_CODECS = [
  'core/xml/',
  'core/cups/index',
  'core/cups/soap',
  'core/cups/parse',
  'core/cups/operations',
  'core/cups/session',
  'core/cups/uccn',
  'core/dial/',
  'core/cme/',
  'core/sip/codecs/',
  'core/sip/message/',
  'core/sip/transport/',
  'core/sip/usages/event-list',
  'core/xcap/',
];

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : /\.(ts|tsx|mts|js|mjs)$/.test(name) ? [path] : [];
  });
}

/** Every module a source file imports or re-exports (static, dynamic, require), as written. */
function importedModules(source: string): string[] {
  const out: string[] = [];
  const pattern =
    /\b(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\sfrom\s*)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)|\brequire\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of source.matchAll(pattern)) out.push((m[1] ?? m[2] ?? m[3])!);
  return out;
}

/** The client codec modules `file` imports, as repository paths. */
function codecImports(file: string, source: string): string[] {
  return (
    importedModules(source)
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => relative(root, resolve(dirname(file), spec)).replace(/\.(ts|tsx|js|mjs)$/, ''))
      // A folder import is its index module.
      .map((path) => (existsSync(join(root, path)) && statSync(join(root, path)).isDirectory() ? `${path}/index` : path))
      .filter((path) => CLIENT_CODECS.some((codec) => (codec.endsWith('/') ? path.startsWith(codec) || `${path}/` === codec : path === codec)))
  );
}

describe('the lab apart from the client', () => {
  it('no lab module imports a client codec', () => {
    const files = sourceFiles(join(root, 'lab'));
    expect(files.length).toBeGreaterThan(10);
    const offenders = files.flatMap((file) => codecImports(file, readFileSync(file, 'utf8')).map((codec) => `${relative(root, file)} → ${codec}`));
    expect(offenders).toEqual([]);
  });

  it('the rule catches every import form of a client codec (and lets the allowed ones through)', () => {
    const file = join(root, 'lab/cti/example.ts');
    const source = [
      `import { parseCstaMessage } from '../../core/dial/csta-xml';`,
      `import type { XmlNode } from '../../core/xml/safe-xml';`,
      `export { buildPidf } from "../../core/sip/codecs/pidf";`,
      `const soap = await import('../../core/cups/soap');`,
      `const { CupsSession } = require('../../core/cups');`,
      `import {\n  SipStreamFramer,\n} from '../../core/sip/transport/stream-transport';`,
      `import type { CupsGroup } from '../../core/cups/types';`,
      `import { personaUri } from '../../core/uri';`,
      `import { frameCsta } from './csta-codec';`,
    ].join('\n');
    expect(codecImports(file, source)).toEqual([
      'core/dial/csta-xml',
      'core/xml/safe-xml',
      'core/sip/codecs/pidf',
      'core/cups/soap',
      'core/cups/index',
      'core/sip/transport/stream-transport',
    ]);
  });
});
