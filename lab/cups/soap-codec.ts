/**
 * The lab CUPS server's own SOAP codec, written from the CUPS interoperability guide's SOAP
 * interface section (Examples 8–68: `http://<server>/EPASSoap/service`, namespace
 * `urn:cisco:epas:soap`, SOAP 1.2 envelopes, the session key in the header), apart from the
 * client's (core/cups/soap.ts, parse.ts): the server reads requests and builds answers by
 * itself, so a codec bug on the client's side is not mirrored here.
 */
import { descendant, element, elementNames, readLabXml, textOf, xmlText, type LabXmlNode } from '../xml/lab-xml';

export const EPAS_NAMESPACE = 'urn:cisco:epas:soap';
export const EPAS = `xmlns:epas="${EPAS_NAMESPACE}"`;

const ENVELOPE_OPEN =
  `<?xml version='1.0' ?><env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:xsd="http://www.w3.org/2001/XMLSchema" ` +
  `xmlns:xml="http://www.w3.org/XML/1998/namespace" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><env:Body>`;
const ENVELOPE_CLOSE = `</env:Body></env:Envelope>`;

/** A SOAP 1.2 response envelope around one operation's answer element. */
export const soapResponse = (inner: string) => `${ENVELOPE_OPEN}${inner}${ENVELOPE_CLOSE}`;

/** A SOAP 1.2 fault with the guide's code (Sender or Receiver) and reason text. */
export const soapFault = (code: 'Sender' | 'Receiver', reason: string) =>
  soapResponse(
    `<env:Fault><env:Code><env:Value>env:${code}</env:Value></env:Code><env:Reason><env:Text xml:lang="en">${xmlText(reason)}</env:Text></env:Reason></env:Fault>`,
  );

/** One `<epas:property>` of a configuration answer. */
export const property = (name: string, value = '', isPublic?: boolean) =>
  `<epas:property name="${xmlText(name)}"${isPublic === undefined ? '' : ` is-public="${isPublic}"`}>${xmlText(value)}</epas:property>`;

/** What the server reads of a request: the operation (first element of the Body) and the session key. */
export interface CupsRequest {
  operation: string;
  /** The operation's element, read with the lab XML helpers. */
  op: LabXmlNode;
  /** The header's session key, trimmed (the guide's examples carry a leading space). */
  sessionKey: string;
}

export class CupsRequestError extends Error {}

/** Reads a request envelope (SOAP 1.1 or 1.2, any prefix); throws `CupsRequestError` when it names no operation. */
export function readCupsRequest(xml: string): CupsRequest {
  let tree: LabXmlNode;
  try {
    tree = readLabXml(xml, 'request');
  } catch (error) {
    throw new CupsRequestError((error as Error).message);
  }
  const envelope = element(tree, 'Envelope');
  const body = element(envelope, 'Body');
  const [operation] = elementNames(body);
  const op = operation ? element(body, operation) : undefined;
  if (!operation || !op) throw new CupsRequestError('The request names no operation.');
  return { operation, op, sessionKey: textOf(descendant(element(envelope, 'Header'), 'session-key')).trim() };
}

/** The operation's name as a quick look at the raw text, before any parsing (for fault injection). */
export const peekOperation = (xml: string) => /<(?:[\w.-]+:)?Body[^>]*>\s*<(?:[\w.-]+:)?([\w-]+)/.exec(xml)?.[1];
