/**
 * The lab CUPS server's handlers for the operations beyond sign-in and config, keeping
 * per-user state in memory and answering in the interoperability guide's shapes, with its
 * per-item status strings.
 */
import type { CupsContact, CupsGroup, PresenceRule, RecentComm } from '../../core/cups/types';
import {
  attribute as attr,
  descendant as find,
  element as child,
  elements as children,
  textOf as text,
  xmlText as e,
  type LabXmlNode as XmlNode,
} from '../xml/lab-xml';
import { EPAS } from './soap-codec';

/** The lab server's own record of a contact: as the server, it knows every attribute. */
export type LabContact = Required<Omit<CupsContact, 'unknown'>> & Pick<CupsContact, 'unknown'>;
/** The lab server's own record of a group (assignable to what the client reads). */
export type LabGroup = Omit<CupsGroup, 'index' | 'contacts'> & { index: number; contacts: LabContact[] };

export interface LabUserState {
  groups: LabGroup[];
  properties: Map<string, { value: string; isPublic: boolean }>;
  presenceRules: Map<string, PresenceRule>;
  recent: RecentComm[];
  longTermPresence: string | undefined;
  acl: Map<string, Set<string>>;
  calendaring: boolean;
}

export function newUserState(groups: LabGroup[] = []): LabUserState {
  return { groups, properties: new Map(), presenceRules: new Map(), recent: [], longTermPresence: undefined, acl: new Map(), calendaring: false };
}

/** The lab's own writer of a rule's kept parts (reachability conditions, other filters), in the `pr:` namespace. */
function writePr(node: XmlNode | undefined, skip?: string): string {
  if (!node) return '';
  let out = '';
  for (const name of Object.keys(node)) {
    if (name.startsWith('@') || name.startsWith('#') || name === skip) continue;
    for (const el of children(node, name)) {
      const attrs = Object.keys(el)
        .filter((k) => k.startsWith('@'))
        .map((k) => a(k.slice(1), attr(el, k.slice(1))))
        .join('');
      out += `<pr:${name}${attrs}>${e(text(el))}${writePr(el)}</pr:${name}>`;
    }
  }
  return out;
}

export const NO_GROUP = 'The Contact Group does not exist.';
export const NO_CONTACT = 'Contact does not exist in.';
export const NO_POLICY = 'Invalid Policy name';
const a = (name: string, value: string | undefined) => (value === undefined ? '' : ` ${name}="${e(value)}"`);
const num = (v: string | undefined, d: number) => (v !== undefined && v !== '' && Number.isFinite(Number(v)) ? Number(v) : d);

function group(state: LabUserState, name: string): LabGroup | undefined {
  let g = state.groups.find((x) => x.name === name);
  // The unnamed group is the default group: it always exists.
  if (!g && name === '') {
    g = { name: '', index: Math.min(0, ...state.groups.map((x) => x.index)) - 1, contacts: [] };
    state.groups.push(g);
  }
  return g;
}

const status = (attrs: string, words: string) => `<epas:status${attrs}>${e(words)}</epas:status>`;
const resp = (op: string, inner: string) => `<epas:${op}-resp ${EPAS} >${inner}</epas:${op}-resp>`;

/** Handles one operation for `user`; returns the response element, or undefined if unknown. */
export function handleOperation(opName: string, op: XmlNode, state: LabUserState, knownUsers: Set<string>): string | undefined {
  switch (opName) {
    case 'set-user-config':
      return resp(
        opName,
        children(op, 'property')
          .map((p) => {
            const name = attr(p, 'name') ?? '';
            state.properties.set(name, { value: text(p), isPublic: attr(p, 'is-public') === 'true' });
            return `<epas:property${a('name', name)} status-code="0"/>`;
          })
          .join(''),
      );
    case 'add-group':
      return resp(
        opName,
        children(op, 'group')
          .map((g) => {
            const name = attr(g, 'name') ?? '';
            const attrs = a('name', name) + a('index', attr(g, 'index'));
            if (state.groups.some((x) => x.name === name)) return status(attrs, 'failed');
            state.groups.push({ name, index: num(attr(g, 'index'), Math.max(0, ...state.groups.map((x) => x.index)) + 1), contacts: [] });
            return status(attrs, 'succeeded');
          })
          .join(''),
      );
    case 'modify-group':
      return resp(
        opName,
        children(op, 'group')
          .map((g) => {
            const oldName = attr(g, 'old-name') ?? '';
            const newName = attr(g, 'new-name');
            const index = attr(g, 'index');
            const attrs = a('old-name', oldName) + a('new-name', newName) + a('index', index);
            const target = state.groups.find((x) => x.name === oldName);
            if (!target || (newName !== undefined && newName !== oldName && state.groups.some((x) => x.name === newName))) return status(attrs, 'failed');
            if (newName !== undefined) target.name = newName;
            if (index !== undefined) target.index = num(index, target.index);
            return status(attrs, 'succeeded');
          })
          .join(''),
      );
    case 'delete-group':
      // As the guide shows, deleting a group that does not exist also "succeeds".
      return resp(
        opName,
        children(op, 'group')
          .map((g) => {
            const name = attr(g, 'name') ?? '';
            state.groups = state.groups.filter((x) => x.name !== name);
            return status(a('name', name), 'succeeded');
          })
          .join(''),
      );
    case 'add-contact':
    case 'modify-contact':
    case 'delete-contact':
      return resp(
        opName,
        children(op, 'group')
          .flatMap((g) => {
            const groupName = attr(g, 'name') ?? '';
            return children(g, 'persona-id').map((p) => {
              const id = text(p).trim();
              const nick = attr(p, 'nickname');
              const index = attr(p, 'index');
              const dop = attr(p, 'display-on-phone');
              const attrs = a('persona-id', id) + a('group', groupName) + a('index', index) + a('nickname', nick) + a('display-on-phone', dop);
              // As the guide's add-contact answer shows: an unknown user is named as such, even in a group that does not exist.
              if (opName === 'add-contact' && !knownUsers.has(id)) return status(attrs, NO_CONTACT);
              const target = group(state, groupName);
              if (!target) return status(attrs, NO_GROUP);
              const existing = target.contacts.find((c) => c.personaId === id);
              if (opName === 'add-contact') {
                if (existing) return status(attrs, 'failed');
                target.contacts.push({
                  personaId: id,
                  index: num(index, Math.max(0, ...target.contacts.map((c) => c.index)) + 1),
                  nickname: nick ?? '',
                  displayOnPhone: dop === 'true',
                });
                return status(attrs, 'succeeded');
              }
              if (!existing) return status(attrs, NO_CONTACT);
              if (opName === 'delete-contact') target.contacts = target.contacts.filter((c) => c !== existing);
              else {
                if (nick !== undefined) existing.nickname = nick;
                if (index !== undefined) existing.index = num(index, existing.index);
                if (dop !== undefined) existing.displayOnPhone = dop === 'true';
              }
              return status(attrs, 'succeeded');
            });
          })
          .join(''),
      );
    case 'get-presence-rules':
      return (
        `<epas:get-presence-rules-resp ${EPAS} xmlns:pr="urn:cisco:epas:presence:rules" ><epas:visibility>all</epas:visibility><pr:reachability></pr:reachability>` +
        `<epas:privacy-policy>Allow All</epas:privacy-policy><epas:acl></epas:acl>` +
        [...state.presenceRules.values()]
          .map(
            (r) =>
              `<presence-rule${a('name', r.name)}><rule><epas:visibility>${e(r.visibility)}</epas:visibility><pr:reachability>${r.reachability ?? ''}</pr:reachability>` +
              `<pr:filter>${r.excludedSources.map((s) => `<pr:excludedsource>${e(s)}</pr:excludedsource>`).join('')}${r.filterExtra ?? ''}</pr:filter></rule></presence-rule>`,
          )
          .join('') +
        `</epas:get-presence-rules-resp>`
      );
    case 'set-presence-rules':
      return resp(
        opName,
        children(op, 'presence-rule')
          .map((r) => {
            const name = attr(r, 'name') ?? '';
            const reachability = find(r, 'reachability');
            const filter = find(r, 'filter');
            const kept = { reachability: writePr(reachability), filterExtra: writePr(filter, 'excludedsource') };
            state.presenceRules.set(name, {
              name,
              visibility: text(find(r, 'visibility')).trim(),
              excludedSources: children(filter, 'excludedsource').map((x) => text(x).trim()),
              ...(kept.reachability ? { reachability: kept.reachability } : {}),
              ...(kept.filterExtra ? { filterExtra: kept.filterExtra } : {}),
            });
            return status(a('name', name), 'succeeded');
          })
          .join(''),
      );
    case 'delete-presence-rules':
      return resp(
        opName,
        children(op, 'rule')
          .map((r) => {
            const name = attr(r, 'name') ?? '';
            return status(a('name', name), state.presenceRules.delete(name) ? 'succeeded' : NO_POLICY);
          })
          .join(''),
      );
    case 'add-recent-comm': {
      const timestamp = text(child(op, 'timestamp')).trim();
      const data: Record<string, string> = {};
      const d = child(op, 'data') ?? {};
      for (const k of Object.keys(d)) if (!k.startsWith('@') && k !== '#text') data[k] = text(children(d, k)[0]);
      state.recent.unshift({ timestamp, type: Number(text(child(op, 'type'))) || 0, data });
      state.recent.splice(200);
      return resp(opName, `<epas:record${a('timestamp', timestamp)} status-code="0" />`);
    }
    case 'get-recent-comm':
      return resp(
        opName,
        state.recent
          .map(
            (r) =>
              `<epas:record><epas:timestamp>${e(r.timestamp)}</epas:timestamp><epas:type>${r.type}</epas:type><epas:data>${Object.entries(r.data)
                .map(([k, v]) => `<${k}>${e(v)}</${k}>`)
                .join('')}</epas:data></epas:record>`,
          )
          .join(''),
      );
    case 'publish-pres-status':
      state.longTermPresence = JSON.stringify(op);
      return resp(opName, '<epas:status-code>0</epas:status-code>');
    case 'unpublish-pres-status':
      state.longTermPresence = undefined;
      return resp(opName, '<epas:status-code>0</epas:status-code>');
    case 'get-acl':
      return resp(
        opName,
        children(op, 'rule')
          .map((r) => {
            const name = attr(r, 'name') ?? '';
            const watchers = state.acl.get(name);
            return watchers
              ? `<rule${a('name', name)}>${[...watchers].map((w) => `<acl>${e(w)}</acl>`).join('')}</rule>`
              : `<rule${a('name', name)}>${NO_POLICY}</rule>`;
          })
          .join(''),
      );
    case 'add-acl':
    case 'delete-acl':
      return resp(
        opName,
        children(op, 'rule')
          .map((r) => {
            const name = attr(r, 'name') ?? '';
            let set = state.acl.get(name);
            if (!set && opName === 'add-acl') state.acl.set(name, (set = new Set()));
            const items = children(r, 'watcher').map((w) => {
              const watcher = text(w).trim();
              let done = false;
              if (opName === 'add-acl' && knownUsers.has(watcher)) {
                set!.add(watcher);
                done = true;
              } else if (opName === 'delete-acl') done = set?.delete(watcher) ?? false;
              return status(a('watcher', watcher), done ? 'succeeded' : 'failed');
            });
            return `<epas:rule${a('name', name)}>${items.join('')}</epas:rule>`;
          })
          .join(''),
      );
    case 'get-calendaring':
      return resp(opName, String(state.calendaring));
    case 'set-calendaring':
      state.calendaring = text(op).trim().toLowerCase() === 'true';
      return resp(opName, 'succeeded');
    default:
      return undefined;
  }
}
