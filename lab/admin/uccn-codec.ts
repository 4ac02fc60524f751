/**
 * The lab's own encoder of UCCN configuration changes (`UPCConfigChange`), written from the
 * CUPS guide's "Example Notify Payloads" and kept apart from the client's reader
 * (test/unit/lab-independence.test.ts): the guide's shapes, made well-formed (the `epas`
 * prefix declared, one declaration, a proper end tag).
 */
import { xmlText as e } from '../xml/lab-xml';

export const LAB_UCCN_NS = 'urn:cisco:epas:uccn';

export interface LabUccnContact {
  group: string;
  groupIndex: number;
  personaId: string;
  index: number;
  nickname: string;
}

export interface LabUccnRule {
  type: number;
  name: string;
  description: string;
  priority: number;
  numberBeginsWith: string;
  numberOfDigits: number | null;
  digitsToBeRemoved: number;
  prefix: string;
}

const open = `<?xml version="1.0" encoding="UTF-8"?><UPCConfigChange xmlns='${LAB_UCCN_NS}' xmlns:epas='${LAB_UCCN_NS}' xmlns:xsi='http://www.w3.org/2001/XMLSchema-instance' xsi:schemaLocation='${LAB_UCCN_NS} file:UCCNSchema.xsd'>`;
const close = '</UPCConfigChange>';
const action = (a: string) => `<epas:action>${e(a)}</epas:action>`;
const sides = <T>(old: T | undefined, fresh: T | undefined, write: (v: T) => string) =>
  (old === undefined ? '' : `<old>${write(old)}</old>`) + (fresh === undefined ? '' : `<new>${write(fresh)}</new>`);

const contact = (c: LabUccnContact) =>
  `<epas:group name="${e(c.group)}" index="${c.groupIndex}"><epas:persona-id index="${c.index}" nickname="${e(c.nickname)}">${e(c.personaId)}</epas:persona-id>` +
  `<epas:is-cups>TRUE</epas:is-cups><epas:is-external>FALSE</epas:is-external></epas:group>`;
const group = (g: { name: string; index: number }) => `<epas:group name="${e(g.name)}" index="${g.index}"></epas:group>`;
const rule = (r: LabUccnRule) =>
  `<epas:rule><epas:type>${r.type}</epas:type><epas:name>${e(r.name)}</epas:name><epas:description>${e(r.description)}</epas:description>` +
  `<epas:priority>${r.priority}</epas:priority><epas:number-begins-with>${e(r.numberBeginsWith)}</epas:number-begins-with>` +
  `<epas:number-of-digits>${r.numberOfDigits ?? ''}</epas:number-of-digits><epas:digits-to-be-removed>${r.digitsToBeRemoved}</epas:digits-to-be-removed>` +
  `<epas:prefix>${e(r.prefix)}</epas:prefix></epas:rule>`;

type Verb = 'insert' | 'update' | 'delete';

export const uccnContact = (verb: Verb, old?: LabUccnContact, fresh?: LabUccnContact) => open + action(`${verb}-contact`) + sides(old, fresh, contact) + close;
export const uccnGroup = (verb: Verb, old?: { name: string; index: number }, fresh?: { name: string; index: number }) =>
  open + action(`${verb}-group`) + sides(old, fresh, group) + close;
export const uccnRule = (verb: Verb, old?: LabUccnRule, fresh?: LabUccnRule) => open + action(`${verb}-rule`) + sides(old, fresh, rule) + close;

/** A property change (`update-host`, `update-cupssystemcfg` …), properties in the order given. */
export function uccnProperties(actionName: string, properties: Array<[name: string, value: string]>): string {
  return open + action(actionName) + properties.map(([n, v]) => `<epas:property name="${e(n)}">${e(v)}</epas:property>`).join('') + close;
}

/** A watcher added to or removed from a privacy rule's list (PeUriAcl). */
export const uccnAcl = (verb: 'add' | 'delete', rule: string, watcher: string) =>
  open +
  action(`${verb}-acl`) +
  `<${verb === 'add' ? 'new' : 'old'}><epas:rule name="${e(rule)}"><epas:watcher>${e(watcher)}</epas:watcher></epas:rule></${verb === 'add' ? 'new' : 'old'}>` +
  close;
