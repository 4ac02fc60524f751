/**
 * LDAP operations as Diagnostics shows them. LDAP is binary (BER), so the trace holds each
 * request and answer written out in the words of RFC 4511 — operation, DN, scope, filter,
 * attributes; the entries found with their values — the way an LDIF reader would see them.
 * A bind's password is never written (only whether one was sent); binary values (photos)
 * are written as their size.
 */
import type { Entry } from 'ldapts';
import type { TraceSink } from '../trace';

/** Values longer than this are cut in the trace: a directory entry is for reading, not a dump. */
const MAX_VALUE = 200;

function value(v: unknown): string {
  if (Buffer.isBuffer(v)) return `<binary, ${v.length} bytes>`;
  const s = String(v);
  return s.length > MAX_VALUE ? `${s.slice(0, MAX_VALUE)}… (${s.length} characters)` : s;
}

/** One entry as LDIF-like lines: `dn: …` then `attribute: value` per value. */
export function entryLines(entry: Entry): string[] {
  const lines = [`dn: ${entry.dn}`];
  for (const [name, values] of Object.entries(entry)) {
    if (name === 'dn') continue;
    for (const v of [values].flat()) lines.push(`${name}: ${value(v)}`);
  }
  return lines;
}

/** Reports the LDAP operations of one server connection to a trace sink. */
export class LdapTrace {
  constructor(
    private readonly sink: TraceSink | undefined,
    private readonly peer: string,
  ) {}

  private record(direction: 'out' | 'in', operation: string, lines: string[]): void {
    this.sink?.record({ protocol: 'directory', direction, peer: this.peer, operation, raw: lines.join('\n') });
  }

  bind(dn: string, withPassword: boolean): void {
    this.record('out', 'bind', [`bindRequest ${dn ? `dn: ${dn}` : '(anonymous)'}`, `password: ${withPassword ? '********' : '(none)'}`]);
  }

  bound(error?: unknown): void {
    this.record('in', 'bind', [error ? `bindResponse: ${outcome(error)}` : 'bindResponse: success']);
  }

  search(base: string, scope: string, filter: string, attributes: string[], sizeLimit: number): void {
    this.record('out', 'search', [
      `searchRequest base: ${base || '(root DSE)'} scope: ${scope} filter: ${filter}`,
      `attributes: ${attributes.join(', ') || '(all)'}`,
      ...(sizeLimit ? [`sizeLimit: ${sizeLimit}`] : []),
    ]);
  }

  found(entries: Entry[]): void {
    const lines = [`searchResultDone: success, ${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}`];
    for (const entry of entries) lines.push('', ...entryLines(entry));
    this.record('in', 'search', lines);
  }

  failed(operation: string, error: unknown): void {
    this.record('in', operation, [`${operation}Response: ${outcome(error)}`]);
  }

  unbind(): void {
    this.record('out', 'unbind', ['unbindRequest']);
  }
}

/**
 * An LDAP result as RFC 4511 names it ("invalidCredentials (49)"), from ldapts's error class
 * and code; a socket error as its code and message.
 */
function outcome(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown; name?: unknown };
  const message = typeof e.message === 'string' ? e.message.trim() : String(error);
  if (typeof e.code === 'number' && typeof e.name === 'string' && e.name.endsWith('Error') && e.name !== 'Error') {
    const result = e.name.slice(0, -'Error'.length);
    return `${result.charAt(0).toLowerCase()}${result.slice(1)} (${e.code})`;
  }
  return typeof e.code === 'string' ? `${e.code}: ${message}` : message;
}
