/**
 * Hostile answers from a "router": whatever bytes arrive with whatever HTTP status, reading an
 * answer either gives a `<response>` or refuses with a CmeError in words (a stable code and a
 * message naming the request), never another exception; and every reader turns any tree into
 * its typed values without throwing. Mutations start from the documents' own examples.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readIxiAnswer } from '../../core/cme/ixi';
import * as read from '../../core/cme/read';
import { CmeError } from '../../core/cme/types';
import { cmeExample } from '../support/cme-examples';

const SEEDS = [
  cmeExample('2008', 'ISgetExtension', 'SCCP-Response'),
  cmeExample('8.5', 'ISgetUserProfile', 'Response'),
  cmeExample('8.5', 'ISgetSipDevice', 'Response'),
  cmeExample('2008', 'ISgetExtEvts', 'Response'),
  '<html><body>Login</body></html>',
  '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body><SOAP-ENV:Fault><faultstring>x</faultstring></SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>',
];

/** A seed cut, spliced with random text, or with a tag dropped: the shapes broken routers and proxies send. */
const mutated = fc
  .tuple(fc.constantFrom(...SEEDS), fc.nat(), fc.nat(), fc.string({ maxLength: 40 }), fc.constantFrom('cut', 'splice', 'drop-tag', 'repeat'))
  .map(([seed, a, b, junk, how]) => {
    const i = a % (seed.length + 1);
    const j = b % (seed.length + 1);
    if (how === 'cut') return seed.slice(0, i);
    if (how === 'splice') return seed.slice(0, i) + junk + seed.slice(i);
    if (how === 'repeat') return seed + seed.slice(Math.min(i, j), Math.max(i, j));
    return seed.replace(/<\/?[A-Za-z][\w-]*>/, '');
  });

const readers = [
  read.readGlobal,
  read.readPresenceGlobal,
  read.readSipGlobal,
  read.readSessionServers,
  read.readUtilityDirectory,
  read.readUser,
  read.readUserProfiles,
  read.readExtensions,
  read.readSipExtensions,
  read.readDevices,
  read.readSipDevices,
  read.readEventCounts,
  read.readDeviceEvents,
  read.readExtensionEvents,
];

describe('hostile CME answers', () => {
  it('are read or refused in words, never crash a reader', () => {
    fc.assert(
      fc.property(fc.oneof(mutated, fc.string({ maxLength: 200 })), fc.constantFrom(200, 200, 401, 500, 302), (body, status) => {
        let response;
        try {
          response = readIxiAnswer({ status, body: Buffer.from(body) }, 'ISgetExtension', 'router:80');
        } catch (error) {
          expect(error).toBeInstanceOf(CmeError);
          expect((error as CmeError).message.length).toBeGreaterThan(10);
          return;
        }
        expect(status).toBe(200);
        for (const reader of readers) reader(response);
      }),
      { numRuns: 3000 },
    );
  });
});
