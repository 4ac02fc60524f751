import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locateSipServers } from '../../../core/sip';
import { startLabDns, sipDomainRecords, type LabDns } from '../../../lab/dns';

describe('RFC 3263 server location against the lab DNS', () => {
  let dns: LabDns;
  beforeAll(async () => {
    dns = await startLabDns(sipDomainRecords('simple.example', { name: 'sip1.simple.example', address: '127.0.0.7', udp: 5070, tcp: 5071, tls: 5072 }));
  });
  afterAll(() => dns.close());

  it('follows NAPTR to SRV to A, in the domain order', async () => {
    const servers = await locateSipServers('simple.example', { dnsServers: [dns.server] });
    expect(servers).toEqual([
      { host: '127.0.0.7', port: 5071, transport: 'tcp' },
      { host: '127.0.0.7', port: 5070, transport: 'udp' },
      { host: 'sip1.simple.example', port: 5072, transport: 'tls' },
    ]);
    expect(dns.asked).toContain('NAPTR simple.example');
    expect(dns.asked).toContain('SRV _sip._tcp.simple.example');
  });

  it("keeps to the user's transport", async () => {
    expect(await locateSipServers('simple.example', { dnsServers: [dns.server], transport: 'udp' })).toEqual([
      { host: '127.0.0.7', port: 5070, transport: 'udp' },
    ]);
  });

  it('asks SRV directly when the domain has no NAPTR, and the A record when it has no SRV', async () => {
    dns.setRecords({
      srv: { '_sip._udp.plain.example': [{ priority: 1, weight: 1, port: 5999, target: 'h.plain.example' }] },
      a: { 'h.plain.example': ['127.0.0.9'], 'bare.example': ['127.0.0.8'] },
    });
    expect(await locateSipServers('plain.example', { dnsServers: [dns.server] })).toEqual([{ host: '127.0.0.9', port: 5999, transport: 'udp' }]);
    expect(await locateSipServers('bare.example', { dnsServers: [dns.server] })).toEqual([{ host: '127.0.0.8', port: 5060, transport: 'tcp' }]);
    expect(await locateSipServers('127.0.0.1:5080', { dnsServers: [dns.server] })).toEqual([{ host: '127.0.0.1', port: 5080, transport: 'tcp' }]);
  });

  it('says in words when a domain has no records', async () => {
    await expect(locateSipServers('nowhere.example', { dnsServers: [dns.server] })).rejects.toThrow(
      /Could not find the SIP server for nowhere\.example: DNS has no NAPTR, SRV or address records/,
    );
  });
});
