/**
 * The "simple" lab profile: a plain SIMPLE service with nothing of CUPS. Kamailio with its
 * XCAP server (buddy lists, pres-rules, rls-services), presence authorised by pres-rules (no
 * `force_active`), presence.winfo, and the lab's own DNS, which answers NAPTR/SRV/A for the
 * domain's SIP server and SRV for its XCAP server; the client finds everything from a SIP
 * address. The colleagues are bots who let the whole domain see them (their pres-rules) and
 * watch the demo user, who has not answered them yet: their requests wait in presence.winfo.
 */
import { startKamailio, type Kamailio } from './kamailio';
import { startLabDns, sipDomainRecords, type LabDns } from './dns';
import { startColleagueBots, type Bot } from './bots';
import { DEMO_USER, LAB_COLLEAGUES, LAB_DOMAIN, labPasswords, type LabPerson } from './directory';
import { labAllowDomain, labDocumentPath, labResourceLists, labXcap, type LabXcapAnswer } from './xcap-writer';

export interface SimpleLabOptions {
  /** Start the colleague bots (default true). */
  bots?: boolean;
  /** More users known to the server (no bot, no list entry): second clients, watchers in tests. */
  extraUsers?: string[];
  log?: (line: string) => void;
}

export interface SimpleLab {
  domain: string;
  /** The DNS server to point the client at (`127.0.0.1:<port>`). */
  dnsServer: string;
  dns: LabDns;
  kamailio: Kamailio;
  xcapRoot: string;
  /** The demo user's SIP address and password. */
  demoUser: { address: string; id: string; password: string; displayName: string };
  colleagues: LabPerson[];
  bots: Map<string, Bot>;
  passwordOf(id: string): string;
  /** An XCAP request as `user` (tests read what the server holds, or edit as another client would). */
  xcap(user: string, method: 'GET' | 'PUT' | 'DELETE', auid: string, selector?: string, body?: string, contentType?: string): Promise<LabXcapAnswer>;
  stop(): Promise<void>;
}

/** The host names the lab's DNS gives the SIP and XCAP servers. */
const SIP_HOST = `sip.${LAB_DOMAIN}`;
const XCAP_HOST = `xcap.${LAB_DOMAIN}`;

export async function startSimpleLab(options: SimpleLabOptions = {}): Promise<SimpleLab> {
  const log = options.log ?? (() => {});
  const ids = [DEMO_USER.id, ...LAB_COLLEAGUES.map((c) => c.id), ...(options.extraUsers ?? [])];
  const passwords = labPasswords(ids);
  const cleanup: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const step of cleanup.reverse()) await step().catch((e: Error) => log(`lab: stop: ${e.message}`));
  };
  try {
    const kamailio = await startKamailio({ domain: LAB_DOMAIN, users: ids.map((id) => ({ id, password: passwords.get(id)! })), xcap: true, log });
    cleanup.push(() => kamailio.stop());
    const xcapRoot = kamailio.xcapRoot!;
    const xcapPort = Number(new URL(xcapRoot).port);
    const records = sipDomainRecords(LAB_DOMAIN, { name: SIP_HOST, address: kamailio.host, udp: kamailio.udpPort, tcp: kamailio.tcpPort });
    records.srv![`_xcap._tcp.${LAB_DOMAIN}`] = [{ priority: 10, weight: 10, port: xcapPort, target: XCAP_HOST }];
    records.a![XCAP_HOST] = [kamailio.host];
    const dns = await startLabDns(records, log);
    cleanup.push(() => dns.close());

    const passwordOf = (id: string) => {
      const pw = passwords.get(id);
      if (!pw) throw new Error(`no lab user ${id}`);
      return pw;
    };
    const xcap: SimpleLab['xcap'] = (user, method, auid, selector, body, contentType) =>
      labXcap(
        { root: xcapRoot, user, domain: LAB_DOMAIN, password: passwordOf(user) },
        method,
        `${labDocumentPath(auid, user, LAB_DOMAIN)}${selector ? `/~~/${selector.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@/]/g, (c) => encodeURIComponent(c))}` : ''}`,
        body,
        contentType,
      );
    const must = async (what: string, answer: Promise<LabXcapAnswer>) => {
      const { status } = await answer;
      if (status < 200 || status >= 300) throw new Error(`lab: ${what}: the XCAP server answered ${status}`);
    };
    // The demo user's buddy list, by group, as another client would have left it.
    const groups = [...new Set(LAB_COLLEAGUES.map((c) => c.group))].map((name) => ({
      name,
      entries: LAB_COLLEAGUES.filter((c) => c.group === name).map((c) => ({ uri: `sip:${c.id}@${LAB_DOMAIN}`, name: c.displayName })),
    }));
    await must(
      'writing the demo buddy list',
      xcap(DEMO_USER.id, 'PUT', 'resource-lists', undefined, labResourceLists(groups), 'application/resource-lists+xml'),
    );
    for (const c of LAB_COLLEAGUES)
      await must(`writing ${c.id}'s pres-rules`, xcap(c.id, 'PUT', 'pres-rules', undefined, labAllowDomain(LAB_DOMAIN), 'application/auth-policy+xml'));

    const bots = options.bots !== false ? await startColleagueBots(kamailio, passwordOf, cleanup, { log }) : new Map<string, Bot>();
    log(`lab (simple): SIP domain ${LAB_DOMAIN} via DNS ${dns.server}; XCAP ${xcapRoot}; ${bots.size} colleagues online`);
    return {
      domain: LAB_DOMAIN,
      dnsServer: dns.server,
      dns,
      kamailio,
      xcapRoot,
      demoUser: { address: `${DEMO_USER.id}@${LAB_DOMAIN}`, id: DEMO_USER.id, password: passwordOf(DEMO_USER.id), displayName: DEMO_USER.displayName },
      colleagues: LAB_COLLEAGUES,
      bots,
      passwordOf,
      xcap,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
