/**
 * The lab CUPS SOAP server: answers the EPASSoap operations with the response shapes of the
 * CUPS interoperability guide (well-formed), from an in-memory directory. It enforces the
 * single-session rule (a second login without `force` is refused with the guide's words) and
 * can inject faults for tests.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { makeSelfSignedCertificate } from './certificate';
import type { DialingRule } from '../../core/cups/types';
import type { LabGroup } from './operations';
import { attribute as attr, element as child, textOf as text, xmlText as e, type LabXmlNode as XmlNode } from '../xml/lab-xml';
import { CupsRequestError, EPAS, peekOperation, property as prop, readCupsRequest, soapFault, soapResponse } from './soap-codec';
import { handleOperation, newUserState, type LabUserState } from './operations';
import { loadStates, saveStates } from './state-file';
import { directoryProperties, type LabDirectoryConfig } from './directory-config';

export interface LabUser {
  id: string;
  password: string;
  displayName: string;
  numbers?: string[];
}

type Proto = 'tcp' | 'udp' | 'tls';

export interface LabCallControl {
  host: string;
  port: number;
  protocol: 'http' | 'https' | 'tcp';
}

export interface LabCupsOptions {
  host?: string;
  port?: number;
  domain: string;
  presence: { host: string; port: number; protocol: Proto; backup?: { host: string; port: number; protocol: Proto } };
  users: LabUser[];
  contactLists?: Record<string, LabGroup[]>;
  dialingRules?: DialingRule[];
  /** Keep every user's state (lists, rules, ACLs, recent communications…) in this JSON file. */
  stateFile?: string;
  /**
   * The call-control servers, announced as CallControl.Primary, Backup1, Backup2 in this
   * order: WebDialer (HTTP/HTTPS) and the CTI gateway (TCP) are told apart by protocol.
   */
  callControl?: LabCallControl | LabCallControl[];
  /** The corporate directory (announced as Directory.*; see lab/cups/directory-config.ts). */
  directory?: LabDirectoryConfig;
  log?: (line: string) => void;
  /** Serve HTTPS with a self-signed certificate made for this run. */
  tls?: boolean;
  /**
   * Called when a request changed a user's contact list (groups or contacts), before the
   * answer is sent, so whatever mirrors the list (the lab's RLS document) is current by the
   * time the client learns the change succeeded.
   */
  onContactListChange?: (userId: string, groups: LabGroup[]) => void | Promise<void>;
}

export type LabFault =
  | { kind: 'slow'; ms: number; times?: number }
  /** `operation`: only requests of that operation get the fault (e.g. make re-logins fail). */
  | { kind: 'fault'; code: 'Sender' | 'Receiver'; text: string; times?: number; operation?: string }
  | { kind: 'drop'; times?: number }
  /** A 200 with an HTML page where SOAP was expected, as a login portal or a proxy's error page answers. */
  | { kind: 'html'; times?: number; operation?: string }
  | { kind: 'expire-sessions' };

export interface LabCups {
  url: string;
  port: number;
  contactList(userId: string): LabGroup[];
  /** A user's whole lab state (rules, ACLs, recent communications…), for tests. */
  state(userId: string): LabUserState;
  /** Session key currently valid for a user, if any. */
  sessionOf(userId: string): string | undefined;
  inject(fault: LabFault): void;
  /** The administrator's levers (lab/admin): each is read afresh by every answer. */
  admin: LabCupsAdmin;
  /** With `tls`: the SHA-256 fingerprint of the certificate served now. */
  certificateFingerprint?: string;
  /** With `tls`: serve a new self-signed certificate from now on (as after a reinstall). */
  rotateCertificate(): void;
  close(): Promise<void>;
}

export interface LabCupsAdmin {
  /** System properties that replace (or add to) the computed ones, e.g. `IM.enable`. */
  systemProperties: Map<string, string>;
  /** The dialing rules served (changed in place). */
  dialingRules: DialingRule[];
  /** The presence server announced (changed in place). */
  presence: LabCupsOptions['presence'];
  licensing: { base: boolean; im: boolean; audio: boolean; video: boolean };
  /** A SOAP request changed a user's contact list (the administrator tells the user's other clients). */
  onListEdited?: (userId: string, before: LabGroup[], after: LabGroup[]) => void;
}

export async function startLabCups(options: LabCupsOptions): Promise<LabCups> {
  const log = options.log ?? (() => {});
  const users = new Map(options.users.map((u) => [u.id, u]));
  const states = new Map<string, LabUserState>(options.stateFile ? loadStates(options.stateFile) : []);
  const stateOf = (id: string) => {
    let st = states.get(id);
    if (!st) states.set(id, (st = newUserState(structuredClone(options.contactLists?.[id] ?? []))));
    return st;
  };
  const knownUsers = new Set(options.users.map((u) => u.id));
  const sessions = new Map<string, string>(); // key → user
  const faults: LabFault[] = [];

  const userOfKey = (key: string) => sessions.get(key.trim());
  const keyOfUser = (id: string) => [...sessions].find(([, u]) => u === id)?.[0];

  const admin: LabCupsAdmin = {
    systemProperties: new Map(),
    dialingRules: [...(options.dialingRules ?? [])],
    presence: options.presence,
    licensing: { base: true, im: true, audio: false, video: false },
  };
  const callControl = options.callControl === undefined ? [] : Array.isArray(options.callControl) ? options.callControl : [options.callControl];
  /** The computed system properties with the administrator's over them. */
  function systemConfig(): string {
    let xml = computedSystemConfig();
    for (const [name, value] of admin.systemProperties) {
      const element = new RegExp(`<epas:property name="${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"[^>]*>[^<]*</epas:property>`);
      xml = element.test(xml)
        ? xml.replace(element, () => prop(name, value))
        : xml.replace('</epas:get-system-config-resp>', () => `${prop(name, value)}</epas:get-system-config-resp>`);
    }
    return xml;
  }
  function computedSystemConfig(): string {
    const p = admin.presence;
    const b = p.backup;
    return (
      `<epas:get-system-config-resp ${EPAS} >` +
      prop('Presence.Primary.Address', p.host) +
      prop('Presence.Primary.Port', String(p.port)) +
      prop('Presence.Primary.Protocol', p.protocol.toUpperCase()) +
      prop('Presence.Backup.Address', b?.host) +
      prop('Presence.Backup.Port', b ? String(b.port) : '') +
      prop('Presence.Backup.Protocol', b?.protocol.toUpperCase()) +
      prop('Presence.Domain', options.domain) +
      ['CallControl', 'VoiceMail', 'MeetingPlace', 'Directory']
        .flatMap((svc) =>
          ['Primary', 'Backup1', 'Backup2'].flatMap((r) => {
            const cc =
              svc === 'CallControl'
                ? callControl[['Primary', 'Backup1', 'Backup2'].indexOf(r)]
                : svc === 'Directory'
                  ? options.directory?.servers[r as 'Primary' | 'Backup1' | 'Backup2']
                  : undefined;
            return [
              prop(`${svc}.${r}.Address`, cc?.host),
              prop(`${svc}.${r}.Port`, cc ? String(cc.port) : ''),
              prop(`${svc}.${r}.Protocol`, cc?.protocol.toUpperCase()),
            ];
          }),
        )
        .join('') +
      (options.directory
        ? directoryProperties(options.directory)
            .map(([n, v]) => prop(n, v))
            .join('')
        : prop('Directory.Map.userid', 'uid') + prop('Directory.Map.displayName', 'cn')) +
      prop('TFTP.Primary') +
      prop('TFTP.Backup1') +
      prop('TFTP.Backup2') +
      `</epas:get-system-config-resp>`
    );
  }
  const userConfig = (id: string) => {
    const props = new Map<string, { value: string; isPublic: boolean }>([
      ['CallControl.Lineid', { value: '', isPublic: false }],
      ['PhoneNumber.Primary', { value: users.get(id)?.numbers?.[0] ?? '', isPublic: true }],
      ...stateOf(id).properties,
    ]);
    return `<epas:get-user-config-resp ${EPAS} >${[...props].map(([n, p]) => prop(n, p.value, p.isPublic)).join('')}</epas:get-user-config-resp>`;
  };
  const licensing = () =>
    `<epas:get-licensing-features-resp ${EPAS} ><epas:base>${admin.licensing.base}</epas:base><epas:im>${admin.licensing.im}</epas:im><epas:audio>${admin.licensing.audio}</epas:audio><epas:video>${admin.licensing.video}</epas:video></epas:get-licensing-features-resp>`;
  const contactList = (id: string) =>
    `<epas:get-contact-list-resp ${EPAS} >` +
    [...stateOf(id).groups]
      .sort((x, y) => x.index - y.index)
      .map(
        (g) =>
          `<epas:group name="${e(g.name)}" index="${g.index}">` +
          g.contacts
            .map(
              (c) =>
                `<epas:persona-id index="${c.index}" nickname="${e(c.nickname)}" display-on-phone="${c.displayOnPhone}">${e(c.personaId)}</epas:persona-id>`,
            )
            .join('') +
          `</epas:group>`,
      )
      .join('') +
    `</epas:get-contact-list-resp>`;
  const dialingRules = () =>
    `<epas:get-dialing-rules-resp ${EPAS}>` +
    admin.dialingRules
      .map(
        (r) =>
          `<epas:rule><epas:type>${r.type}</epas:type><epas:name>${e(r.name)}</epas:name><epas:description>${e(r.description)}</epas:description>` +
          `<epas:priority>${r.priority}</epas:priority><epas:number-begins-with>${e(r.numberBeginsWith)}</epas:number-begins-with>` +
          `<epas:number-of-digits>${r.numberOfDigits ?? ''}</epas:number-of-digits><epas:digits-to-be-removed>${r.digitsToBeRemoved}</epas:digits-to-be-removed><epas:prefix>${e(r.prefix)}</epas:prefix></epas:rule>`,
      )
      .join('') +
    `</epas:get-dialing-rules-resp>`;

  function login(op: XmlNode): string {
    const id = text(child(op, 'username')).trim();
    const password = text(child(op, 'password'));
    const user = users.get(id);
    const fail = (reason: string) =>
      soapResponse(`<epas:login-resp ${EPAS} ><epas:failure><epas:reason>${reason}</epas:reason></epas:failure></epas:login-resp>`);
    if (!user || user.password !== password) return fail('Wrong username/password');
    const existing = keyOfUser(id);
    if (existing && attr(op, 'force') !== 'true') return fail('A SOAP session has already been established.');
    if (existing) sessions.delete(existing);
    const key = randomUUID();
    sessions.set(key, id);
    log(`lab cups: ${id} logged in`);
    return soapResponse(`<epas:login-resp ${EPAS} ><epas:success><epas:session-key>${key}</epas:session-key></epas:success></epas:login-resp>`);
  }

  function answer(body: string): { status: number; xml: string } {
    let request;
    try {
      request = readCupsRequest(body);
    } catch (error) {
      if (!(error instanceof CupsRequestError)) throw error;
      return { status: 400, xml: soapFault('Sender', 'Invalid request.') };
    }
    const { operation: opName, op } = request;
    if (opName === 'login') return { status: 200, xml: login(op) };
    const user = userOfKey(request.sessionKey);
    if (!user) return { status: 500, xml: soapFault('Sender', 'Invalid session key.') };
    const ok = (inner: string) => ({ status: 200, xml: soapResponse(inner) });
    switch (opName) {
      case 'logout':
        for (const [k, u] of sessions) if (u === user) sessions.delete(k);
        return ok(`<epas:logout-resp ${EPAS} ><epas:success/></epas:logout-resp>`);
      case 'get-all-config': {
        const parts: Record<string, () => string> = {
          'system-config': systemConfig,
          'user-config': () => userConfig(user),
          'licensing-features': licensing,
          'contact-list': () => contactList(user),
          'presence-rules': () => handleOperation('get-presence-rules', {}, stateOf(user), knownUsers)!,
          'dialing-rules': dialingRules,
        };
        const asked = Object.keys(op).filter((k) => k in parts);
        return ok(
          `<epas:get-all-config-resp ${EPAS} >${(asked.length ? asked : Object.keys(parts)).map((k) => parts[k]()).join('')}</epas:get-all-config-resp>`,
        );
      }
      case 'get-system-config':
        return ok(systemConfig());
      case 'get-user-config':
        return ok(userConfig(user));
      case 'get-licensing-features':
        return ok(licensing());
      case 'get-contact-list':
        return ok(contactList(user));
      case 'get-dialing-rules':
        return ok(dialingRules());
      default: {
        const was = structuredClone(stateOf(user).groups);
        const before = JSON.stringify(was);
        const inner = handleOperation(opName, op, stateOf(user), knownUsers);
        if (JSON.stringify(stateOf(user).groups) !== before) {
          if (options.onContactListChange) changedLists.add(user);
          admin.onListEdited?.(user, was, structuredClone(stateOf(user).groups));
        }
        return inner === undefined ? { status: 500, xml: soapFault('Sender', 'Invalid request.') } : ok(inner);
      }
    }
  }

  /** Users whose contact list the current request changed (see `onContactListChange`). */
  const changedLists = new Set<string>();

  let certificate = options.tls ? makeSelfSignedCertificate() : undefined;
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 1024 * 1024) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      const opName = peekOperation(Buffer.concat(chunks).toString('utf8'));
      const at = faults.findIndex((f) => (f.kind !== 'fault' && f.kind !== 'html') || f.operation === undefined || f.operation === opName);
      const fault = at >= 0 ? faults[at] : undefined;
      if (fault && 'times' in fault && fault.times !== undefined && --fault.times <= 0) faults.splice(at, 1);
      else if (fault?.kind === 'expire-sessions') faults.splice(at, 1);
      if (fault?.kind === 'drop') return req.socket.destroy();
      if (fault?.kind === 'expire-sessions') sessions.clear();
      if (fault?.kind === 'html') {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
        return res.end('<!DOCTYPE html><html><head><title>Portal</title></head><body><form>Please sign in to the portal</form></body></html>');
      }
      const send = () => {
        const { status, xml } =
          fault?.kind === 'fault' ? { status: 500, xml: soapFault(fault.code, fault.text) } : answer(Buffer.concat(chunks).toString('utf8'));
        const reply = () => {
          res.writeHead(status, { 'Content-Type': 'application/soap+xml; charset=utf-8' });
          res.end(xml);
          if (options.stateFile) saveStates(options.stateFile, states);
        };
        const changed = [...changedLists];
        changedLists.clear();
        if (!changed.length || !options.onContactListChange) return reply();
        Promise.all(changed.map((id) => options.onContactListChange!(id, structuredClone(stateOf(id).groups))))
          .catch((e: Error) => log(`lab cups: contact list hook failed: ${e.message}`))
          .finally(reply);
      };
      if (fault?.kind === 'slow') setTimeout(send, fault.ms);
      else send();
    });
  };
  const server = certificate ? https.createServer({ key: certificate.key, cert: certificate.cert }, onRequest) : http.createServer(onRequest);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `${certificate ? 'https' : 'http'}://${options.host ?? '127.0.0.1'}:${port}/EPASSoap/service`,
    port,
    get certificateFingerprint() {
      return certificate?.fingerprint256;
    },
    rotateCertificate: () => {
      if (!(server instanceof https.Server)) throw new Error('the lab CUPS server is not serving HTTPS');
      certificate = makeSelfSignedCertificate();
      server.setSecureContext({ key: certificate.key, cert: certificate.cert });
      // Kept-alive connections would go on with the old certificate.
      server.closeAllConnections();
    },
    contactList: (id) => structuredClone([...stateOf(id).groups].sort((x, y) => x.index - y.index)),
    state: stateOf,
    admin,
    sessionOf: keyOfUser,
    inject: (fault) => faults.push(fault),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
