/** Typed values of the CUPS SOAP interface (EPASSoap, `urn:cisco:epas:soap`). */
import type { AppError, AppErrorCode, ServerCertificate } from '../../shared/domain';
import type { XmlNode } from '../xml/safe-xml';

export const EPAS_NS = 'urn:cisco:epas:soap';

/** Every failure of a CUPS operation, with a stable code and the words to show. */
export class CupsError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly detail?: string,
    readonly operation?: string,
    /** With `tls`: the certificate the server presented. */
    readonly certificate?: ServerCertificate,
  ) {
    super(message);
    this.name = 'CupsError';
  }

  toAppError(): AppError {
    return {
      code: this.code,
      message: this.message,
      ...(this.detail ? { detail: this.detail } : {}),
      ...(this.certificate ? { certificate: this.certificate } : {}),
    };
  }
}

export interface ServerAddress {
  host: string;
  port?: number;
  protocol?: 'udp' | 'tcp' | 'tls';
}

export interface SystemConfig {
  /** Every property as sent, by name. */
  properties: Record<string, string>;
  presence: { primary?: ServerAddress; backup?: ServerAddress; domain: string };
  callControl: ServerAddress[];
  voiceMail: ServerAddress[];
  meetingPlace: ServerAddress[];
  directory: ServerAddress[];
  tftp: string[];
  /** `Directory.Map.*`: directory attribute names by field. */
  directoryMap: Record<string, string>;
}

export interface UserConfig {
  /** `isPublic` absent when the server sent no `is-public` attribute. */
  properties: Record<string, { value: string; isPublic?: boolean }>;
}

export interface Licensing {
  base: boolean;
  im: boolean;
  audio: boolean;
  video: boolean;
}

/**
 * Attributes and child elements of a contact-list item that this client does not know (a
 * newer server's additions), kept as read so the model drops nothing. Names are local names.
 */
export interface UnknownXml {
  attributes: Record<string, string>;
  elements: XmlNode;
}

/** A contact as the server sent it: an attribute the server left out stays out (no invented default). */
export interface CupsContact {
  personaId: string;
  index?: number;
  nickname?: string;
  displayOnPhone?: boolean;
  /** Present only when the server sent something unknown on this contact. */
  unknown?: UnknownXml;
}

/** A group as the server sent it, its contacts in document order. */
export interface CupsGroup {
  name: string;
  index?: number;
  contacts: CupsContact[];
  /** Present only when the server sent something unknown on this group. */
  unknown?: UnknownXml;
}

/** Dialing rules as the server sends them; the engine that applies them lives in core/dialing. */
export type { DialingRule } from '../dialing/rules';
import type { DialingRule } from '../dialing/rules';

export interface AllConfig {
  system: SystemConfig;
  user: UserConfig;
  licensing: Licensing;
  contacts: CupsGroup[];
  dialingRules: DialingRule[];
  /** Elements of the contact list beside its groups that this client does not know. */
  contactListUnknown?: UnknownXml;
}

/** The server's answer for one item of a batch operation: one bad item never hides the rest. */
export interface ItemResult<T> {
  item: T;
  ok: boolean;
  /** The server's own words ("succeeded", "The Contact Group does not exist.", …). */
  status: string;
}

export interface GroupSpec {
  name: string;
  index?: number;
}

export interface GroupChange {
  oldName: string;
  newName?: string;
  index?: number;
}

export interface ContactSpec {
  group: string;
  personaId: string;
  index?: number;
  nickname?: string;
  displayOnPhone?: boolean;
}

export interface UserProperty {
  name: string;
  value: string;
  isPublic?: boolean;
}

/**
 * A presence rule as far as the client edits it. What it does not edit travels back as read:
 * the reachability conditions and any other filter elements, as XML in the rules namespace
 * (`pr:`), so a save never drops them.
 */
export interface PresenceRule {
  name: string;
  visibility: string;
  excludedSources: string[];
  /** The content of `<pr:reachability>` (conditions), when the rule has any. */
  reachability?: string;
  /** Children of `<pr:filter>` other than `excludedsource`, when the rule has any. */
  filterExtra?: string;
}

export interface PresenceRules {
  visibility: string;
  privacyPolicy: string;
  rules: PresenceRule[];
}

export interface RecentComm {
  timestamp: string;
  /** 1 = IM, 2 = call, 3 = other, as the server numbers them. */
  type: number;
  /** The record's data elements by name (`what`, …). */
  data: Record<string, string>;
}

export interface AclRule {
  name: string;
  watchers: string[];
  /** Set when the server could not read the rule ("Invalid Policy name"). */
  error?: string;
}
