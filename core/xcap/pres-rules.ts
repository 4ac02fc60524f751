/**
 * Who may see the user's presence, as a pres-rules document (RFC 5025 on RFC 4745 common
 * policy): one rule per action (allow, block, polite-block), each naming addresses
 * (`<one id>`) and domains (`<many domain>`). Allowed watchers get every service, person and
 * device, so they see what the user publishes. Written in default namespaces without
 * prefixes, as servers match selectors (and Kamailio's reader names) that way.
 *
 * And the watcher information of presence.winfo (RFC 3857/3858): who subscribed and in which
 * state; a `pending` or `waiting` watcher waits for the user's answer.
 */
import type { WatcherAction, WatcherRule } from '../../shared/domain';
import { WATCHER_ACTIONS } from '../../shared/domain';
import { DeskError } from '../errors';
import { attr, children, escapeXml, parseXml, text, type XmlNode } from '../xml/safe-xml';
import { normaliseAor } from '../uri';

export const PRES_RULES_AUID = 'pres-rules';
export const PRES_RULES_TYPE = 'application/auth-policy+xml';
const CP_NS = 'urn:ietf:params:xml:ns:common-policy';
const PR_NS = 'urn:ietf:params:xml:ns:pres-rules';

/** A watcher as the user types it: `bob`, `bob@example.com`, `sip:bob@example.com` → an address; `example.com` or `@example.com` → a domain. */
export function watcherKey(raw: string, ownDomain: string): string {
  const v = raw.trim().replace(/^@/, '');
  if (!v) throw new DeskError('invalid-input', 'Enter a SIP address or a domain.');
  if (/^sips?:/i.test(v) || v.includes('@')) return normaliseAor(/^sips?:/i.test(v) ? v : `sip:${v}`);
  if (v.includes('.')) return v.toLowerCase();
  return normaliseAor(`sip:${v}@${ownDomain}`);
}

export const isDomainRule = (who: string) => !who.startsWith('sip:');

/** The rules of a pres-rules document; a watcher named in several keeps the most restrictive. */
export function readPresRules(xml: string): WatcherRule[] {
  let root: XmlNode;
  try {
    root = parseXml(xml, { what: 'pres-rules document', namespaces: true, requireWellFormed: true });
  } catch (error) {
    throw new DeskError('parse', `Your presence rules on the XCAP server could not be read: ${(error as Error).message}`);
  }
  const rules = new Map<string, WatcherAction>();
  const rank = (a: WatcherAction) => WATCHER_ACTIONS.indexOf(a);
  for (const rule of children(children(root, 'ruleset')[0], 'rule')) {
    const handling = text(children(children(rule, 'actions')[0], 'sub-handling')[0]).trim() as WatcherAction;
    if (!WATCHER_ACTIONS.includes(handling)) continue;
    for (const identity of children(children(rule, 'conditions')[0], 'identity')) {
      const who = [
        ...children(identity, 'one').map((one) => attr(one, 'id') && normaliseAor(attr(one, 'id')!)),
        ...children(identity, 'many').map((many) => attr(many, 'domain')?.toLowerCase()),
      ].filter((w): w is string => !!w);
      for (const w of who) if (!rules.has(w) || rank(handling) > rank(rules.get(w)!)) rules.set(w, handling);
    }
  }
  return [...rules].map(([who, action]) => ({ who, action }));
}

const TRANSFORMATIONS =
  `<transformations><provide-services xmlns="${PR_NS}"><all-services/></provide-services>` +
  `<provide-persons xmlns="${PR_NS}"><all-persons/></provide-persons><provide-devices xmlns="${PR_NS}"><all-devices/></provide-devices>` +
  `<provide-all-attributes xmlns="${PR_NS}"/></transformations>`;

/** The document for `rules`: one rule per action that names anyone. */
export function presRulesDocument(rules: WatcherRule[]): string {
  const body = WATCHER_ACTIONS.map((action) => {
    const who = rules.filter((r) => r.action === action);
    if (!who.length) return '';
    const ids = who.map((r) => (isDomainRule(r.who) ? `<many domain="${escapeXml(r.who)}"/>` : `<one id="${escapeXml(r.who)}"/>`)).join('');
    return (
      `<rule id="pd-${action}"><conditions><identity>${ids}</identity></conditions>` +
      `<actions><sub-handling xmlns="${PR_NS}">${action}</sub-handling></actions>${action === 'allow' ? TRANSFORMATIONS : '<transformations/>'}</rule>`
    );
  }).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ruleset xmlns="${CP_NS}">${body}</ruleset>`;
}

export interface WinfoWatcher {
  uri: string;
  displayName?: string;
  status: string;
}

/** The watchers of the user's presence in a watcherinfo document (RFC 3858), and whether it is the full list. */
export function readWatcherInfo(xml: string): { full: boolean; watchers: WinfoWatcher[] } {
  const root = parseXml(xml, { what: 'watcherinfo document', namespaces: true });
  const info = children(root, 'watcherinfo')[0];
  if (!info) throw new DeskError('parse', 'A presence.winfo NOTIFY carried something other than a watcherinfo document.');
  const watchers = children(info, 'watcher-list')
    .filter((list) => (attr(list, 'package') ?? 'presence') === 'presence')
    .flatMap((list) => children(list, 'watcher'))
    .map((w) => ({
      uri: normaliseAor(text(w).trim()),
      status: (attr(w, 'status') ?? '').toLowerCase(),
      ...(attr(w, 'display-name') ? { displayName: attr(w, 'display-name') } : {}),
    }))
    .filter((w) => w.uri.startsWith('sip:'));
  return { full: (attr(info, 'state') ?? 'full') === 'full', watchers };
}
