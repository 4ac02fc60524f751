/**
 * The demo lab's address as `npm start` hands it to the Electron app (PRESENCE_DESK_DEMO_LAB):
 * read when well-formed, refused in words otherwise (the app then shows sign-in).
 */
import { describe, expect, it } from 'vitest';
import { DEMO_LAB_ENV, demoServerType, readDemoLabAddress } from '../../host/backend-factory';

describe('PRESENCE_DESK_DEMO_LAB', () => {
  const address = {
    cupsUrl: 'http://127.0.0.1:4100/EPASSoap/service',
    user: 'alex',
    password: 'x9',
    sipTlsCa: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
  };

  it('is read back as it was written, and absent means no demo lab', () => {
    expect(readDemoLabAddress(JSON.stringify(address))).toEqual(address);
    const { sipTlsCa: _ca, ...plain } = address;
    expect(readDemoLabAddress(JSON.stringify(plain))).toEqual(plain);
    const simple = { serverType: 'simple', cupsUrl: 'demo.example', user: 'alex@demo.example', password: 'pw', dnsServers: ['127.0.0.1:5353'] };
    expect(readDemoLabAddress(JSON.stringify(simple))).toEqual(simple);
    expect(demoServerType(['--demo', 'simple'])).toBe('simple');
    expect(demoServerType(['--demo=simple'])).toBe('simple');
    expect(demoServerType(['--demo', 'cme'])).toBe('cme');
    expect(demoServerType(['--demo=cme'])).toBe('cme');
    expect(demoServerType(['--demo'])).toBe('cups');
    expect(demoServerType(['--demo', 'pbx'])).toBe('cups');
    expect(readDemoLabAddress(undefined)).toBeUndefined();
    expect(readDemoLabAddress('')).toBeUndefined();
  });

  it('is refused with the reason when it is not JSON, lacks a field or carries a certificate that is not text', () => {
    expect(DEMO_LAB_ENV).toBe('PRESENCE_DESK_DEMO_LAB');
    expect(() => readDemoLabAddress('{cupsUrl:')).toThrow('PRESENCE_DESK_DEMO_LAB is not JSON.');
    expect(() => readDemoLabAddress('null')).toThrow('PRESENCE_DESK_DEMO_LAB lacks cupsUrl, user, password.');
    expect(() => readDemoLabAddress(JSON.stringify({ ...address, password: '' }))).toThrow('PRESENCE_DESK_DEMO_LAB lacks password.');
    expect(() => readDemoLabAddress(JSON.stringify({ ...address, user: 7 }))).toThrow('PRESENCE_DESK_DEMO_LAB lacks user.');
    expect(() => readDemoLabAddress(JSON.stringify({ ...address, sipTlsCa: 42 }))).toThrow('PRESENCE_DESK_DEMO_LAB has a sipTlsCa that is not PEM text.');
    expect(() => readDemoLabAddress(JSON.stringify({ ...address, serverType: 'pbx' }))).toThrow('PRESENCE_DESK_DEMO_LAB names an unknown server type.');
  });
});
