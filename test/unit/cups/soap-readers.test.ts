/**
 * SOAP answers as other servers write them (SOAP 1.1 and 1.2, other prefixes, ISO-8859-1,
 * CDATA, character references), and what is not a whole answer refused in words.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CupsError } from '../../../core/cups/types';
import { exchange, readFault, readSoapResponse } from '../../../core/cups/soap';
import { readContactList, readLicensing, readLogin, readSystemConfig, readUserConfig } from '../../../core/cups/parse';
import { find, parseXml } from '../../../core/xml/safe-xml';
import { soapExample } from '../../support/spec-examples';

const S12 = 'http://www.w3.org/2003/05/soap-envelope';
const S11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const answer = (body: string | Buffer, status = 200, contentType = 'application/soap+xml') => ({
  status,
  body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
  contentType,
});
const read = (body: string | Buffer, operation: string, status = 200, contentType?: string) =>
  readSoapResponse(answer(body, status, contentType), operation, 'cups.test:80', { language: 'en-US' });
const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error as CupsError;
  }
  throw new Error('not refused');
};

const contactList = `<?xml version="1.0"?><soap:Envelope xmlns:soap="${S11}"><soap:Body><ns1:get-contact-list-resp xmlns:ns1="urn:cisco:epas:soap"><ns1:group name="Team &#x26; Friends" index="1"><ns1:persona-id nickname="Zo&#235;" display-on-phone="1">zoe</ns1:persona-id><ns1:persona-id index="2" display-on-phone=" TRUE ">amy</ns1:persona-id><ns1:persona-id><![CDATA[bob]]></ns1:persona-id></ns1:group><ns1:group name="Alpha" index="0"/></ns1:get-contact-list-resp></soap:Body></soap:Envelope>`;

describe('answers other servers write', () => {
  it('reads SOAP 1.1 with its own prefixes, character references, CDATA, booleans, document order and absent attributes', () => {
    const tree = read(contactList, 'get-contact-list');
    expect(readContactList(find(tree, 'get-contact-list-resp'))).toEqual([
      {
        name: 'Team & Friends',
        index: 1,
        contacts: [{ personaId: 'zoe', nickname: 'Zoë', displayOnPhone: true }, { personaId: 'amy', index: 2, displayOnPhone: true }, { personaId: 'bob' }],
      },
      { name: 'Alpha', index: 0, contacts: [] },
    ]);
  });

  it('reads an ISO-8859-1 body declared in its XML declaration, and one named by the Content-Type charset', () => {
    const xml = (decl: string) =>
      `<?xml version="1.0"${decl}?><env:Envelope xmlns:env="${S12}"><env:Body><get-system-config-resp xmlns="urn:cisco:epas:soap"><property name="Presence.Domain">münchen.example</property></get-system-config-resp></env:Body></env:Envelope>`;
    const declared = read(Buffer.from(xml(' encoding="ISO-8859-1"'), 'latin1'), 'get-system-config');
    expect(readSystemConfig(find(declared, 'get-system-config-resp')).presence.domain).toBe('münchen.example');
    const byHeader = read(Buffer.from(xml(''), 'latin1'), 'get-system-config', 200, 'text/xml; charset="iso-8859-1"');
    expect(readSystemConfig(find(byHeader, 'get-system-config-resp')).presence.domain).toBe('münchen.example');
  });

  it('refuses an encoding it cannot read, naming it', () => {
    const e = refusal(() => read(Buffer.from(`<?xml version="1.0" encoding="x-unknown-9"?><e:Envelope xmlns:e="${S12}"/>`, 'latin1'), 'login'));
    expect(e).toBeInstanceOf(CupsError);
    expect(e.message).toBe('The login response is in the encoding "x-unknown-9", which Presence Desk cannot read.');
  });

  it('decodes a session key written with character references', () => {
    const tree = read(
      `<e:Envelope xmlns:e="${S12}"><e:Body><login-resp xmlns="urn:cisco:epas:soap"><success><session-key>&#x62;189aa60</session-key></success></login-resp></e:Body></e:Envelope>`,
      'login',
    );
    expect(readLogin(find(tree, 'login-resp'))).toEqual({ key: 'b189aa60' });
  });

  it('reads user config and licensing booleans as XML Schema booleans; an absent is-public stays absent', () => {
    const tree = parseXml(
      `<r><get-user-config-resp><property name="a" is-public="TRUE">1</property><property name="b" is-public="0">2</property><property name="c">3</property></get-user-config-resp><get-licensing-features-resp><base> 1 </base><im>TRUE</im><audio>false</audio></get-licensing-features-resp></r>`,
    );
    expect(readUserConfig(find(tree, 'get-user-config-resp')).properties).toEqual({
      a: { value: '1', isPublic: true },
      b: { value: '2', isPublic: false },
      c: { value: '3' },
    });
    expect(readLicensing(find(tree, 'get-licensing-features-resp'))).toEqual({ base: true, im: true, audio: false, video: false });
  });

  it('still repairs the guide’s print damage inside a whole envelope (Example 13, no closing Body tag)', () => {
    expect(readLogin(find(read(soapExample(13), 'login'), 'login-resp'))).toEqual({ reason: 'Wrong username/password' });
  });
});

describe('faults', () => {
  const fault = (texts: string) =>
    `<env:Envelope xmlns:env="${S12}"><env:Body><env:Fault><env:Code><env:Value>env:Receiver</env:Value></env:Code><env:Reason>${texts}</env:Reason></env:Fault></env:Body></env:Envelope>`;
  const several =
    '<env:Text xml:lang="de">Datenbank nicht erreichbar</env:Text><env:Text xml:lang="en">Database unreachable</env:Text><env:Text xml:lang="fr-CA">Base de données injoignable</env:Text>';
  it('chooses the text in the user’s language, by exact tag or primary subtag', () => {
    expect(readFault(parseXml(fault(several)), 'de-AT')?.reason).toBe('Datenbank nicht erreichbar');
    expect(readFault(parseXml(fault(several)), 'fr-CA')?.reason).toBe('Base de données injoignable');
    expect(readFault(parseXml(fault(several)), 'fr-FR')?.reason).toBe('Base de données injoignable');
  });
  it('falls back to English, then to the first text', () => {
    expect(readFault(parseXml(fault(several)), 'ja')?.reason).toBe('Database unreachable');
    expect(readFault(parseXml(fault('<env:Text xml:lang="es">Error</env:Text><env:Text xml:lang="it">Errore</env:Text>')), 'ja')?.reason).toBe('Error');
  });
  it('throws the chosen text as a soap-fault', () => {
    const e = refusal(() => read(fault(several), 'get-contact-list'));
    expect(e).toMatchObject({ code: 'soap-fault', message: 'Database unreachable' });
  });
});

describe('what is not a whole answer is refused, never read as empty', () => {
  it.each([
    [
      'an HTML error page served with 200',
      '<!-- proxy --><html><head><title>Error</title></head><body>Service unavailable</body></html>',
      /answered get-contact-list with a web page, not a SOAP response/,
    ],
    [
      'a login portal page with its DOCTYPE, served with 200',
      '<!DOCTYPE html>\n<html lang="en"><head><title>Sign in</title></head><body><form>Please sign in to the portal</form></body></html>',
      /answered get-contact-list with a web page, not a SOAP response/,
    ],
    ['a non-SOAP XML body', '<status>ok</status>', /with a <status> document, not a SOAP response/],
    ['plain text', 'Service Unavailable', /not XML/],
    ['an empty body', '', /empty/],
    ['a contact list cut off in the middle', contactList.slice(0, contactList.indexOf('amy') + 3), /cut off before its end/],
    ['an envelope without the response element', `<e:Envelope xmlns:e="${S12}"><e:Body/></e:Envelope>`, /does not contain <get-contact-list-resp>/],
    [
      'another operation’s answer',
      `<e:Envelope xmlns:e="${S12}"><e:Body><get-dialing-rules-resp/></e:Body></e:Envelope>`,
      /does not contain <get-contact-list-resp>/,
    ],
  ])('%s', (_what, body, message) => {
    const e = refusal(() => read(body, 'get-contact-list'));
    expect(e).toBeInstanceOf(CupsError);
    expect(e.code).toBe('parse');
    expect(e.message).toMatch(message);
  });

  it('refuses a configuration cut off after its domain started', () => {
    const whole = `<e:Envelope xmlns:e="${S12}"><e:Body><get-all-config-resp xmlns="urn:cisco:epas:soap"><get-system-config-resp><property name="Presence.Domain">lab.test</property></get-system-config-resp></get-all-config-resp></e:Body></e:Envelope>`;
    expect(() => read(whole, 'get-all-config')).not.toThrow();
    expect(() => read(whole.slice(0, whole.indexOf('lab.test')), 'get-all-config')).toThrow(/cut off/);
  });

  it('an HTML page with an error status is an HTTP error', () => {
    expect(refusal(() => read('<html><body>Bad gateway</body></html>', 'login', 502))).toMatchObject({ code: 'http' });
  });
});

describe('over HTTP', () => {
  let server: Server;
  let port = 0;
  let reply = { status: 200, type: 'text/html', body: Buffer.alloc(0) };
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(reply.status, { 'Content-Type': reply.type }).end(reply.body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('a portal page answered 200 to get-contact-list is an error in words, not an empty list', async () => {
    reply = { status: 200, type: 'text/html', body: Buffer.from('<html><body>Please sign in to the Wi-Fi</body></html>') };
    await expect(exchange(new URL(`http://127.0.0.1:${port}/EPASSoap/service`), 'get-contact-list', '<x/>')).rejects.toMatchObject({
      code: 'parse',
      message: expect.stringMatching(/web page, not a SOAP response/),
    });
  });

  it('an ISO-8859-1 answer named only by the Content-Type is read right', async () => {
    reply = {
      status: 200,
      type: 'application/soap+xml; charset=ISO-8859-1',
      body: Buffer.from(
        `<e:Envelope xmlns:e="${S12}"><e:Body><login-resp><failure><reason>Mot de passe erroné</reason></failure></login-resp></e:Body></e:Envelope>`,
        'latin1',
      ),
    };
    const tree = await exchange(new URL(`http://127.0.0.1:${port}/EPASSoap/service`), 'login', '<x/>');
    expect(readLogin(find(tree, 'login-resp'))).toEqual({ reason: 'Mot de passe erroné' });
  });
});
