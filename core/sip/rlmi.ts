/**
 * RLMI, the Resource List Meta-Information document (RFC 4662 §5.2): which resources a list
 * has, which instance of each carries state in this NOTIFY (by Content-ID), and whether the
 * document is the full state of the list or a partial update (`fullState`), ordered by
 * `version`.
 */
import { attr, children, find, parseXml, text, type XmlNode } from '../xml/safe-xml';

export const RLMI_MAX_BYTES = 8 * 1024 * 1024;

export class RlmiError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RlmiError';
  }
}

export type InstanceState = 'active' | 'pending' | 'terminated';

export interface RlmiInstance {
  id: string;
  state: InstanceState;
  /** Why a terminated instance ended (RFC 6665 reasons: rejected, deactivated, noresource…, and CUPS's quotaExceeded). */
  reason?: string;
  /** Content-ID of the part with this instance's state, if this NOTIFY carries it. */
  cid?: string;
}

export interface RlmiResource {
  uri: string;
  name?: string;
  instances: RlmiInstance[];
}

export interface Rlmi {
  uri: string;
  version: number;
  fullState: boolean;
  resources: RlmiResource[];
}

const STATES: readonly string[] = ['active', 'pending', 'terminated'];

/** Parses an RLMI document (throws `RlmiError`/`XmlError` with the reason). */
export function parseRlmi(xml: string): Rlmi {
  // A full state removes every member it does not name, so a damaged one must not be read
  // leniently (a truncated list would drop contacts): it has to be well-formed. It is validated
  // once, before the parse, instead of again after it.
  const fullStateDeclared = /\bfullState\s*=\s*["'](?:true|1)["']/.test(xml);
  const tree = parseXml(xml, {
    maxBytes: RLMI_MAX_BYTES,
    what: 'resource list (RLMI) document',
    requireWellFormed: fullStateDeclared,
    wellFormedError: (detail) => new RlmiError(`full-state RLMI document is not well-formed XML (${detail})`),
  });
  const list = find(tree, 'list');
  if (!list) throw new RlmiError('RLMI document has no <list> element');
  const uri = attr(list, 'uri') ?? '';
  if (!uri) throw new RlmiError('RLMI <list> has no uri attribute');
  const versionText = attr(list, 'version');
  // RFC 4662: version is an unsigned 32-bit counter; anything else cannot be ordered.
  if (versionText === undefined || !/^\d{1,10}$/.test(versionText.trim()) || Number(versionText) > 0xffffffff) {
    throw new RlmiError(`RLMI <list> has no usable version (${versionText === undefined ? 'missing' : `"${versionText.slice(0, 20)}"`})`);
  }
  const fullStateText = (attr(list, 'fullState') ?? '').trim().toLowerCase();
  if (!['true', 'false', '1', '0'].includes(fullStateText)) throw new RlmiError(`RLMI <list> has no usable fullState ("${fullStateText.slice(0, 20)}")`);
  const resources = children(list, 'resource').map((resource: XmlNode): RlmiResource => {
    const resourceUri = attr(resource, 'uri') ?? '';
    if (!resourceUri) throw new RlmiError('RLMI <resource> without a uri attribute');
    const name = text(children(resource, 'name')[0]).trim();
    const instances = children(resource, 'instance').map((instance): RlmiInstance => {
      const state = (attr(instance, 'state') ?? '').trim().toLowerCase();
      if (!STATES.includes(state)) throw new RlmiError(`RLMI instance of ${resourceUri} has an unknown state "${state.slice(0, 20)}"`);
      const reason = attr(instance, 'reason')?.trim();
      const cid = attr(instance, 'cid')?.trim();
      return {
        id: attr(instance, 'id') ?? '',
        state: state as InstanceState,
        ...(reason ? { reason } : {}),
        ...(cid ? { cid: cid.replace(/^<(.*)>$/, '$1') } : {}),
      };
    });
    return { uri: resourceUri, ...(name ? { name } : {}), instances };
  });
  return { uri, version: Number(versionText), fullState: fullStateText === 'true' || fullStateText === '1', resources };
}
