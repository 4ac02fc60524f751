/**
 * The lab WebDialer's own SOAP codec (Cisco WebDialer 7.0, `urn:WD70`, RPC/encoded SOAP 1.1),
 * written from the CallManager developer guide's WebDialer chapter, apart from the client's
 * (core/dial/webdialer.ts): requests are read by the operation and its positional parts
 * (`in0` credential, `in1`, `in2` profile), answers are built in the shapes WebDialer returns.
 */
import { descendant, element, elementNames, readLabXml, textOf, xmlText as e, type LabXmlNode } from '../xml/lab-xml';

export const WEBDIALER_SERVICE_PATH = '/webdialer/services/WebdialerSoapService70';

/** WebDialer's response codes with the descriptions the service itself sends. */
export const WEBDIALER_RESPONSES: Record<number, string> = {
  0: 'Success',
  1: 'Call failure error',
  2: 'Authentication error',
  3: 'No authentication proxy rights',
  4: 'Directory error',
  5: 'No device is configured for the user or missing parameters',
  6: 'Service temporarily unavailable',
  7: 'Destination cannot be reached',
  8: 'Service error',
  9: 'Service overloaded',
};

export type WebDialerOperation = 'makeCallSoap' | 'endCallSoap' | 'getProfileSoap';
const OPERATIONS: readonly WebDialerOperation[] = ['makeCallSoap', 'endCallSoap', 'getProfileSoap'];

export interface WebDialerRequest {
  operation: WebDialerOperation;
  userId: string;
  password: string;
  /** makeCallSoap: the number to dial. */
  destination: string;
  deviceName: string;
  lineNumber: string;
}

/** Reads a WebDialer request; undefined when the body names no operation WebDialer knows. */
export function readWebDialerRequest(xml: string): WebDialerRequest | undefined {
  const body = descendant(readLabXml(xml, 'WebDialer request'), 'Body');
  const operation = OPERATIONS.find((op) => elementNames(body).includes(op));
  if (!operation) return undefined;
  const op = element(body, operation) as LabXmlNode;
  const field = (node: LabXmlNode | undefined, name: string) => textOf(element(node, name));
  const credential = element(op, 'in0');
  const profile = element(op, operation === 'makeCallSoap' ? 'in2' : 'in1');
  return {
    operation,
    userId: field(credential, 'userID').trim(),
    password: field(credential, 'password'),
    destination: operation === 'makeCallSoap' ? field(op, 'in1').trim() : '',
    deviceName: operation === 'getProfileSoap' ? '' : field(profile, 'deviceName').trim(),
    lineNumber: operation === 'getProfileSoap' ? '' : field(profile, 'lineNumber').trim(),
  };
}

/** A WebDialer answer: `<operation>Return` with the response code, its description and `extra`. */
export function webDialerResponse(operation: WebDialerOperation, code: number, extra = ''): string {
  return (
    `<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" ` +
    `xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><ns1:${operation}Response soapenv:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/" xmlns:ns1="urn:WD70">` +
    `<${operation}Return xsi:type="ns1:${operation === 'getProfileSoap' ? 'GetConfigResponse' : 'CallResponse'}">` +
    `<responseCode xsi:type="xsd:int">${code}</responseCode><responseDescription xsi:type="xsd:string">${e(WEBDIALER_RESPONSES[code] ?? 'Service error')}</responseDescription>${extra}` +
    `</${operation}Return></ns1:${operation}Response></soapenv:Body></soapenv:Envelope>`
  );
}

/** getProfileSoap's device list: each device with its lines. */
export const deviceInfoList = (devices: { name: string; lines: string[] }[]) =>
  `<deviceInfoList>${devices.map((d) => `<item><deviceName>${e(d.name)}</deviceName><lines>${d.lines.map((l) => `<item>${e(l)}</item>`).join('')}</lines></item>`).join('')}</deviceInfoList>`;
