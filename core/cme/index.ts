/**
 * # Cisco Unified CME back end
 *
 * The router's XML API over IXI (`ixi.ts`: transport, credentials, limits, errors), the
 * request bodies (`requests.ts`), the readers of its answers (`read.ts`) and the typed calls
 * (`client.ts`).
 */
export { CmeClient } from './client';
export { cmeEndpoint, CME_XML_PATH, ixiExchange, readIxiAnswer, type IxiOptions } from './ixi';
export * from './read';
export { cmeRequest, requests, type CmeOperation } from './requests';
export * from './types';
