/**
 * The lab router's own reading of CME XML API requests and writing of its answers, from the two
 * CME documents (never the client's core/cme): requests are read strictly (well-formed only)
 * by local name, answers are written in the 8.5 chapter's shapes (`<response>` with a wrapper
 * per request: ISGlobal, ISExtensions/ISExtension …) inside the envelope the documents print
 * around ISexecCLI, with its namespaces declared.
 */
import { attribute, descendant, elementNames, elements, readLabXml, textOf, xmlText, type LabXmlNode } from '../xml/lab-xml';

export interface LabCmeRequest {
  operation: string;
  /** Parameters in order, repeated names kept. */
  params: Array<[string, string]>;
}

/** The request in a body, or undefined when the body is not an XML API request. */
export function readCmeRequest(body: string): LabCmeRequest | undefined {
  let tree: LabXmlNode;
  try {
    tree = readLabXml(body, 'XML API request');
  } catch {
    return undefined;
  }
  const request = descendant(tree, 'request');
  if (!request) return undefined;
  const type = attribute(request, 'type');
  const operation = type && elementNames(request).includes(type) ? type : elementNames(request)[0];
  if (!operation) return undefined;
  const op = elements(request, operation)[0];
  const params: Array<[string, string]> = [];
  for (const name of elementNames(op)) for (const value of elements(op, name)) params.push([name, textOf(value).trim()]);
  return { operation, params };
}

/** One element; a value of an array is repeated elements, an object nested ones, undefined left out. */
export type LabValue = string | number | boolean | undefined | LabFields | LabValue[];
export interface LabFields {
  [name: string]: LabValue;
}

export function encodeFields(fields: LabFields): string {
  let out = '';
  for (const [name, value] of Object.entries(fields)) out += encodeElement(name, value);
  return out;
}

function encodeElement(name: string, value: LabValue): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.map((v) => encodeElement(name, v)).join('');
  if (typeof value === 'object') return `<${name}>${encodeFields(value)}</${name}>`;
  const t = String(value);
  return t === '' ? `<${name} />` : `<${name}>${xmlText(t)}</${name}>`;
}

export function cmeResponse(operation: string, fields: LabFields): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
    `<SOAP-ENV:Body><axl><response xsi:type="${operation}Response">${encodeFields(fields)}</response></axl></SOAP-ENV:Body></SOAP-ENV:Envelope>`
  );
}

/** A SOAP 1.1 fault, as the router's XML layer answers a request it cannot carry out. */
export function cmeFault(text: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body><SOAP-ENV:Fault>` +
    `<faultcode>SOAP-ENV:Client</faultcode><faultstring>${xmlText(text)}</faultstring></SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>`
  );
}
