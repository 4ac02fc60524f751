/**
 * Reader of the Unified Communicator Change Notifier's `UPCConfigChange` documents (CUPS
 * interoperability guide, "UCCN XML Schema" Example 7 and "Example Notify Payloads"): one
 * NOTIFY body → one typed {@link ConfigChange}.
 *
 * What servers send differs from what the schema says, so the reader is lenient where the guide
 * is inconsistent and strict where a guess could do harm:
 * - Both namespaces the guide uses are accepted (`urn:cisco:CUPS:UCCN` in the schema,
 *   `urn:cisco:epas:uccn` in every payload); a root in any other namespace is refused.
 * - Children are read by local name. The payloads put them under an `epas:` prefix that nothing
 *   declares: an undeclared prefix is taken to mean the root's namespace.
 * - The guide's privacy and ACL payloads repeat the XML declaration and the root start tag inside
 *   the root, and end with `<UPCConfigChange>` where `</UPCConfigChange>` belongs: both slips
 *   are undone before parsing, nothing else is guessed.
 * - The `action` says insert/update/delete (`add-…` is insert) and which kind of row changed;
 *   `update-host` and a missing action (the guide's UcCtiGatewayProfile) are told apart by the
 *   properties' names (`Presence.*`, `CallControl.*`, `VoiceMail.*` …).
 * - Booleans are `TRUE`/`FALSE` in any case (`xsBoolean`).
 */
import type { DialingRule } from '../dialing/rules';
import { attr, child, children, nsOf, parseXml, text, xsBoolean, type XmlNode } from '../xml/safe-xml';

export const UCCN_NAMESPACES = ['urn:cisco:CUPS:UCCN', 'urn:cisco:epas:uccn'] as const;

export type ChangeOp = 'insert' | 'update' | 'delete';

/** A contact as a UCCN payload names it: the group it is in and its persona. */
export interface UccnContact {
  group: string;
  groupIndex?: string;
  personaId: string;
  index?: string;
  nickname?: string;
  isCups?: boolean;
  isExternal?: boolean;
}

export interface UccnGroup {
  name: string;
  index?: string;
}

/** A dialing rule as sent (strings; `compileRules` validates it). */
export type UccnDialRule = Partial<Record<keyof DialingRule, string>>;

/** One privacy (presence-rules) policy or one ACL entry. */
export interface UccnPrivacyRule {
  name: string;
  /** `data` (presence rules) or `watcher` (ACL). */
  data?: string;
  watcher?: string;
}

/** Which configuration a property change is about (see `areaOf`). */
export type ConfigArea =
  | 'system'
  | 'presence-server'
  | 'calendar'
  | 'call-control'
  | 'directory'
  | 'directory-map'
  | 'meeting'
  | 'voicemail'
  | 'im'
  | 'user-config'
  | 'backend-gateway'
  | 'other';

export interface UccnProperty {
  value: string;
  isPublic?: boolean;
}

type Pair<T> = { op: ChangeOp; old?: T; new?: T };

export type ConfigChange =
  | ({ kind: 'contact' } & Pair<UccnContact>)
  | ({ kind: 'group' } & Pair<UccnGroup>)
  | ({ kind: 'dial-rule' } & Pair<UccnDialRule>)
  | ({ kind: 'presence-rule' } & Pair<UccnPrivacyRule>)
  | ({ kind: 'acl' } & Pair<UccnPrivacyRule>)
  | {
      kind: 'config';
      op: ChangeOp;
      area: ConfigArea;
      /** The `action` as sent ('' when the payload had none). */
      action: string;
      properties: Record<string, UccnProperty>;
      /** EndUser payloads: the user's CTI device. */
      ctiDevice?: string;
    };

export class UccnError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UccnError';
  }
}

const ROOT = 'UPCConfigChange';
const OPS: Record<string, ChangeOp> = { insert: 'insert', add: 'insert', update: 'update', delete: 'delete', remove: 'delete' };

/**
 * Undoes the guide's printing slips: a second declaration and root start tag inside the root,
 * a start tag where the root's end tag belongs, and the undeclared prefixes of its children.
 */
export function repairUccn(xml: string): string {
  let out = xml.trim();
  const start = new RegExp(`<(?:[\\w.-]+:)?${ROOT}\\b[^>]*>`, 'g');
  const first = start.exec(out);
  if (!first) return out;
  const afterRoot = first.index + first[0].length;
  // A nested `<?xml …?><UPCConfigChange …>` straight after the root's start tag.
  const nested = new RegExp(`^\\s*<\\?xml[^>]*\\?>\\s*<(?:[\\w.-]+:)?${ROOT}\\b[^>]*>`).exec(out.slice(afterRoot));
  if (nested) out = out.slice(0, afterRoot) + out.slice(afterRoot + nested[0].length);
  // `…</new><UPCConfigChange>` at the end: the end tag printed as a start tag.
  if (!new RegExp(`</(?:[\\w.-]+:)?${ROOT}\\s*>$`).test(out)) out = out.replace(new RegExp(`<((?:[\\w.-]+:)?${ROOT})\\s*>$`), '</$1>');
  // Prefixes used but declared nowhere: bound to the root's default namespace.
  const rootTag = first[0];
  const defaultNs = /\sxmlns\s*=\s*(["'])(.*?)\1/.exec(rootTag)?.[2];
  if (defaultNs !== undefined) {
    const declared = new Set([...out.matchAll(/\sxmlns:([\w.-]+)\s*=/g)].map((m) => m[1]));
    const used = new Set([...out.matchAll(/<\/?([\w.-]+):[\w.-]/g)].map((m) => m[1]));
    const missing = [...used].filter((p) => !declared.has(p) && p !== 'xml');
    if (missing.length) {
      const decl = missing.map((p) => ` xmlns:${p}="${defaultNs}"`).join('');
      const end = rootTag.endsWith('/>') ? rootTag.length - 2 : rootTag.length - 1;
      out = out.slice(0, first.index) + rootTag.slice(0, end) + decl + rootTag.slice(end) + out.slice(first.index + rootTag.length);
    }
  }
  return out;
}

/** Reads one UCCN NOTIFY body. Throws {@link UccnError} with words when it is not one. */
export function parseUccn(body: string): ConfigChange {
  let tree: XmlNode;
  try {
    tree = parseXml(repairUccn(body), { what: 'configuration change', namespaces: true, maxBytes: 1024 * 1024 });
  } catch (error) {
    throw new UccnError(`The configuration change could not be read: ${(error as Error).message}`);
  }
  const root = child(tree, ROOT);
  if (!root)
    throw new UccnError(`The configuration change is not a ${ROOT} document (root: ${Object.keys(tree).find((k) => k[0] !== '#' && k[0] !== '?') ?? 'none'}).`);
  const ns = nsOf(root);
  if (ns && !(UCCN_NAMESPACES as readonly string[]).includes(ns)) throw new UccnError(`The configuration change is in the namespace "${ns}", not UCCN's.`);
  const action = text(child(root, 'action')).trim().toLowerCase();
  const dash = action.indexOf('-');
  const verb = dash < 0 ? action : action.slice(0, dash);
  const subject = dash < 0 ? '' : action.slice(dash + 1);
  const op = OPS[verb] ?? 'update';
  if (action && !OPS[verb]) throw new UccnError(`The configuration change's action "${action}" is not an insert, update or delete.`);
  const pair = <T>(read: (node: XmlNode) => T | undefined) => {
    const old = readSide(root, 'old', read);
    const fresh = readSide(root, 'new', read);
    if (old === undefined && fresh === undefined) throw new UccnError(`The configuration change "${action}" names no ${subject}.`);
    if (op === 'delete' && old === undefined) throw new UccnError(`The configuration change "${action}" does not say what was removed.`);
    if (op !== 'delete' && fresh === undefined) throw new UccnError(`The configuration change "${action}" does not say the new value.`);
    return { op, ...(old === undefined ? {} : { old }), ...(fresh === undefined ? {} : { new: fresh }) };
  };
  switch (subject) {
    case 'contact':
      return { kind: 'contact', ...pair(readContact) };
    case 'group':
      return { kind: 'group', ...pair(readGroup) };
    case 'rule':
      return { kind: 'dial-rule', ...pair(readDialRule) };
    case 'presence-rules':
      return { kind: 'presence-rule', ...pair(readPrivacyRule) };
    case 'acl':
      return { kind: 'acl', ...pair(readPrivacyRule) };
  }
  const properties: Record<string, UccnProperty> = {};
  for (const p of children(root, 'property')) {
    const name = attr(p, 'name');
    if (!name) continue;
    const isPublic = xsBoolean(attr(p, 'is-public'));
    properties[name] = isPublic === undefined ? { value: text(p) } : { value: text(p), isPublic };
  }
  const ctiDevice = text(child(root, 'cti-device')).trim();
  if (!Object.keys(properties).length && !ctiDevice) throw new UccnError(`The configuration change "${action || '(no action)'}" carries nothing to apply.`);
  return {
    kind: 'config',
    op,
    area: areaOf(subject, Object.keys(properties)),
    action,
    properties,
    ...(ctiDevice ? { ctiDevice } : {}),
  };
}

function readSide<T>(root: XmlNode, side: 'old' | 'new', read: (node: XmlNode) => T | undefined): T | undefined {
  const node = child(root, side);
  return node ? read(node) : undefined;
}

function readContact(side: XmlNode): UccnContact | undefined {
  const group = child(side, 'group');
  const persona = child(group, 'persona-id');
  const personaId = text(persona).trim();
  if (!group || !personaId) return undefined;
  return clean({
    group: attr(group, 'name') ?? '',
    groupIndex: attr(group, 'index'),
    personaId,
    index: attr(persona, 'index'),
    nickname: attr(persona, 'nickname'),
    isCups: xsBoolean(text(child(group, 'is-cups'))),
    isExternal: xsBoolean(text(child(group, 'is-external'))),
  });
}

function readGroup(side: XmlNode): UccnGroup | undefined {
  const group = child(side, 'group');
  const name = attr(group, 'name');
  if (!group || name === undefined) return undefined;
  return clean({ name, index: attr(group, 'index') });
}

const RULE_FIELDS: Record<string, keyof DialingRule> = {
  type: 'type',
  name: 'name',
  description: 'description',
  priority: 'priority',
  'number-begins-with': 'numberBeginsWith',
  'number-of-digits': 'numberOfDigits',
  'digits-to-be-removed': 'digitsToBeRemoved',
  prefix: 'prefix',
};

function readDialRule(side: XmlNode): UccnDialRule | undefined {
  const rule = child(side, 'rule');
  if (!rule) return undefined;
  const out: UccnDialRule = {};
  for (const [element, field] of Object.entries(RULE_FIELDS)) {
    const node = child(rule, element);
    if (node) out[field] = text(node).trim();
  }
  return out;
}

function readPrivacyRule(side: XmlNode): UccnPrivacyRule | undefined {
  const rule = child(side, 'rule');
  if (!rule) return undefined;
  const data = child(rule, 'data');
  const watcher = child(rule, 'watcher');
  return clean({ name: attr(rule, 'name') ?? '', data: data ? text(data) : undefined, watcher: watcher ? text(watcher).trim() : undefined });
}

/** Property-name prefixes, most specific first. */
const AREAS: Array<[RegExp, ConfigArea]> = [
  [/^Presence\.calendar$/i, 'calendar'],
  [/^Presence\.ExchangeEnabled$/i, 'backend-gateway'],
  [/^Presence\./i, 'presence-server'],
  [/^CallControl\./i, 'call-control'],
  [/^Directory\.Map\./i, 'directory-map'],
  [/^Directory\./i, 'directory'],
  [/^MeetingPlace\./i, 'meeting'],
  [/^VoiceMail\./i, 'voicemail'],
  [/^IM\./i, 'im'],
  [/^(TFTP\.|Security$)/i, 'system'],
];

const SUBJECT_AREAS: Record<string, ConfigArea> = {
  systemcfg: 'system',
  ldapmapping: 'directory-map',
  ldap: 'directory',
  cupssystemcfg: 'im',
  endusercfg: 'user-config',
  pebackendgateway: 'backend-gateway',
};

/**
 * The action's subject when it names one area; for `update-host`, a missing action and the
 * rest, the area most of the properties' names point to.
 */
function areaOf(subject: string, names: string[]): ConfigArea {
  const fromSubject = SUBJECT_AREAS[subject];
  if (fromSubject && !(subject === 'systemcfg' && names.some((n) => !/^(TFTP\.|Security$)/i.test(n)))) return fromSubject;
  const counts = new Map<ConfigArea, number>();
  for (const name of names) {
    const area = AREAS.find(([re]) => re.test(name))?.[1] ?? 'other';
    counts.set(area, (counts.get(area) ?? 0) + 1);
  }
  let best: ConfigArea = fromSubject ?? 'other';
  let most = 0;
  for (const [area, n] of counts) if (n > most) [best, most] = [area, n];
  return best;
}

function clean<T extends object>(value: T): T {
  for (const key of Object.keys(value) as Array<keyof T>) if (value[key] === undefined) delete value[key];
  return value;
}
