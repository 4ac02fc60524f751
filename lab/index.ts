/**
 * The built-in demo lab: a real Kamailio (SIP registrar, presence, MESSAGE relay), our lab
 * CUPS SOAP server (login, config, contact lists) and the demo colleagues as SIP bots.
 * `npm start` uses it when no server is configured; tests use it as their world.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { LabGroup as CupsGroup } from './cups/operations';
import { personaUri } from '../core/uri';
import { startKamailio, type Kamailio } from './kamailio';
import { makeRunDir, removeAbandonedRunDirs } from './process';
import { startLabCups, type LabCups } from './cups/server';
import { startLabWebDialer, type LabWebDialer } from './webdialer/server';
import { LabSwitch } from './cti/switch';
import { createLabRisPort, type LabRisPort } from './risport/risport';
import { startLabCtiGateway, type LabCtiGateway } from './cti/gateway';
import { startColleagueBots, type Bot } from './bots';
import { DEMO_USER, LAB_COLLEAGUES, LAB_DIALING_RULES, LAB_DOMAIN, labExtraPeople, labPasswords, type LabPerson } from './directory';
import { startSlapd, type Slapd } from './slapd';
import { LabAdmin } from './admin';
import { startLabAdminServer, type LabAdminServer } from './admin/http';
import { labDirectoryPeople, labDirectoryConfig, LAB_DIRECTORY_SUFFIX } from './slapd/people';

export interface LabOptions {
  /** Start the colleague bots (default true). */
  bots?: boolean;
  /** Make bots change status every so many ms (default: never). */
  livenEveryMs?: number;
  /** Delay between a bot's composing indication and its reply (default 400 ms). */
  replyDelayMs?: number;
  /**
   * Run Kamailio's resource list server (RFC 4662) too, with each user's contact list as
   * their list `sip:<user>-list@<domain>` (default false: per-contact subscriptions only).
   */
  rls?: boolean;
  /** Port for the lab CUPS server (default 0 = free). */
  cupsPort?: number;
  /** Serve the lab CUPS over HTTPS with a self-signed certificate made for this run. */
  cupsTls?: boolean;
  /** Serve WebDialer over HTTPS with its own self-signed certificate (announced as HTTPS). */
  webDialerTls?: boolean;
  /** The SIP transport the lab CUPS configuration advertises (`Presence.Primary.Protocol`, default TCP). */
  sipTransport?: 'udp' | 'tcp' | 'tls';
  /** Kamailio keeps its db_text tables in memory (presence storms; see KamailioOptions.tablesInMemory). */
  tablesInMemory?: boolean;
  /** Extra people on the demo user's list (offline, in groups after the colleagues'), for scale. */
  extraContacts?: number;
  log?: (line: string) => void;
}

export interface Lab {
  domain: string;
  /** CUPS server URL to sign in to. */
  cupsUrl: string;
  demoUser: { id: string; password: string; displayName: string };
  colleagues: LabPerson[];
  /** The `extraContacts` people, in list order. */
  extraPeople: LabPerson[];
  kamailio: Kamailio;
  cups: LabCups;
  webDialer: LabWebDialer;
  /** The phone system: lines 1000 (the demo user), 1001… (colleagues), 1099; WebDialer calls ring here. */
  phoneSwitch: LabSwitch;
  /** RisPort70 on the lab WebDialer's port: the phones' registration (tests unregister them). */
  risport: LabRisPort;
  /** The CTI gateway (ECMA-323 over TCP) in front of the switch, announced as CallControl.Backup1. */
  cti: LabCtiGateway;
  /** The corporate directory (a real slapd). */
  slapd: Slapd;
  bots: Map<string, Bot>;
  /** The lab as the CUPS administrator: changes state and tells clients with UCCN NOTIFYs. */
  admin: LabAdmin;
  /** The same administrator over HTTP (`npm run lab -- admin …`, tests): URL and bearer token. */
  adminApi: LabAdminServer;
  /** True when the lab runs the resource list server (option `rls`). */
  rls: boolean;
  /** Password of any lab user, for tests that sign in as someone else. */
  passwordOf(id: string): string;
  stop(): Promise<void>;
}

/** The demo user also has a softphone with two lines, so the Phone settings have a choice. */
function labSoftphones(id: string): { name: string; lines: string[] }[] {
  return id === DEMO_USER.id ? [{ name: 'CSFALEX', lines: ['1000 ; Internal', '1099 ; Shared line'] }] : [];
}

export function labContactList(colleagues: LabPerson[] = LAB_COLLEAGUES): CupsGroup[] {
  const groups: CupsGroup[] = [];
  for (const person of colleagues) {
    let group = groups.find((g) => g.name === person.group);
    if (!group) {
      group = { name: person.group, index: groups.length + 1, contacts: [] };
      groups.push(group);
    }
    group.contacts.push({ personaId: person.id, index: group.contacts.length + 1, nickname: person.displayName, displayOnPhone: false });
  }
  return groups;
}

/** Primary presence server as the lab CUPS advertises it: one of Kamailio's three listeners. */
function presenceAdvert(kamailio: Kamailio, protocol: 'udp' | 'tcp' | 'tls') {
  const port = protocol === 'udp' ? kamailio.udpPort : protocol === 'tls' ? kamailio.tlsPort : kamailio.tcpPort;
  return { host: kamailio.host, port, protocol };
}

/** The demo lab's run directories in the temporary folder (see `makeRunDir`). */
export const LAB_RUN_DIR_PREFIX = 'presence-desk-lab-';

export async function startLab(options: LabOptions = {}): Promise<Lab> {
  const log = options.log ?? (() => {});
  const ids = [DEMO_USER.id, ...LAB_COLLEAGUES.map((c) => c.id)];
  const extraPeople = labExtraPeople(options.extraContacts ?? 0);
  const passwords = labPasswords([...ids, ...extraPeople.map((p) => p.id)]);
  // Private to the user (lab passwords are in it in plain text); a crashed run's is removed first.
  removeAbandonedRunDirs(LAB_RUN_DIR_PREFIX, log);
  const runDir = makeRunDir(LAB_RUN_DIR_PREFIX);
  const cleanup: Array<() => Promise<void>> = [async () => rmSync(runDir, { recursive: true, force: true })];
  const stop = async () => {
    for (const step of cleanup.reverse()) await step().catch((e) => log(`lab: stop: ${e.message}`));
  };
  try {
    const kamailio = await startKamailio({
      domain: LAB_DOMAIN,
      // The extra people are accounts too, so that the bulk publisher can change their presence (scale, storms).
      users: [...ids, ...extraPeople.map((p) => p.id)].map((id) => ({ id, password: passwords.get(id)! })),
      runDir: join(runDir, 'kamailio'),
      log,
      rls: options.rls,
      restartOnExit: true,
      tablesInMemory: options.tablesInMemory,
    });
    cleanup.push(() => kamailio.stop());
    const phoneUsers = [DEMO_USER, ...LAB_COLLEAGUES].map((p, i) => ({
      id: p.id,
      password: passwords.get(p.id)!,
      devices: [{ name: `SEP00AA00BB0${String(i).padStart(3, '0')}`, lines: [`${1000 + i} ; Internal`] }, ...labSoftphones(p.id)],
    }));
    const phoneSwitch = new LabSwitch(new Set(phoneUsers.flatMap((u) => u.devices.flatMap((d) => d.lines.map((l) => l.split(/\s*;/)[0])))));
    const cti = await startLabCtiGateway(phoneSwitch, { log });
    const risport = createLabRisPort({
      users: phoneUsers,
      devices: phoneUsers.flatMap((u, i) =>
        u.devices.map((d, k) => ({
          name: d.name,
          owner: u.id,
          lines: d.lines.map((l) => l.split(/\s*;/)[0]),
          status: 'Registered' as const,
          reason: 0,
          timeStamp: Math.floor(Date.now() / 1000),
          ip: `10.0.${i}.${10 + k}`,
          model: k === 0 ? 684 : 503,
        })),
      ),
    });
    cleanup.push(() => cti.close());
    const webDialer = await startLabWebDialer({
      users: phoneUsers,
      log,
      tls: options.webDialerTls,
      phones: { placed: (line, destination) => phoneSwitch.placeCall(line, destination), ended: (line) => phoneSwitch.hangUp(line) },
      risport,
    });
    cleanup.push(() => webDialer.close());
    const slapd = await startSlapd({ suffix: LAB_DIRECTORY_SUFFIX, people: labDirectoryPeople(), runDir: join(runDir, 'slapd'), log });
    cleanup.push(() => slapd.stop());
    const cups = await startLabCups({
      callControl: [
        { host: '127.0.0.1', port: webDialer.port, protocol: options.webDialerTls ? 'https' : 'http' },
        { host: cti.host, port: cti.port, protocol: 'tcp' },
      ],
      dialingRules: LAB_DIALING_RULES,
      directory: labDirectoryConfig(slapd),
      port: options.cupsPort ?? 0,
      tls: options.cupsTls,
      domain: LAB_DOMAIN,
      presence: presenceAdvert(kamailio, options.sipTransport ?? 'tcp'),
      users: [
        ...[DEMO_USER, ...LAB_COLLEAGUES].map((p) => ({ id: p.id, password: passwords.get(p.id)!, displayName: p.displayName, numbers: p.numbers })),
        // Known to CUPS (so they can be added and moved) but not to Kamailio: they never come online.
        ...extraPeople.map((p) => ({ id: p.id, password: passwords.get(p.id)!, displayName: p.displayName, numbers: p.numbers })),
      ],
      contactLists: { [DEMO_USER.id]: labContactList([...LAB_COLLEAGUES, ...extraPeople]) },
      log,
      // RLS: each user's list on the server mirrors their CUPS contact list.
      ...(options.rls ? { onContactListChange: (id: string, groups: CupsGroup[]) => writeResourceList(kamailio, id, groups) } : {}),
    });
    cleanup.push(() => cups.close());
    const admin = new LabAdmin({
      cups,
      sip: { host: kamailio.host, port: kamailio.tcpPort },
      domain: LAB_DOMAIN,
      passwordOf: (id) => passwords.get(id)!,
      users: () => ids,
      log,
      ...(options.rls ? { onContactListChange: (id: string, groups: CupsGroup[]) => writeResourceList(kamailio, id, groups) } : {}),
    });
    cleanup.push(() => admin.close());
    const adminApi = await startLabAdminServer(admin);
    cleanup.push(() => adminApi.close());
    if (options.rls) await writeResourceList(kamailio, DEMO_USER.id, cups.contactList(DEMO_USER.id));

    const bots =
      options.bots !== false
        ? await startColleagueBots(kamailio, (id) => passwords.get(id)!, cleanup, { replyDelayMs: options.replyDelayMs, log })
        : new Map<string, Bot>();
    if (options.livenEveryMs) for (const bot of bots.values()) bot.liven(options.livenEveryMs);
    log(
      `lab: CUPS ${cups.url}, SIP ${kamailio.host}:${kamailio.tcpPort} (tcp) / ${kamailio.udpPort} (udp) / ${kamailio.tlsPort} (tls), ${bots.size} colleagues online`,
    );
    return {
      domain: LAB_DOMAIN,
      cupsUrl: cups.url,
      demoUser: { ...DEMO_USER, password: passwords.get(DEMO_USER.id)! },
      colleagues: LAB_COLLEAGUES,
      extraPeople,
      kamailio,
      cups,
      webDialer,
      phoneSwitch,
      cti,
      risport,
      slapd,
      bots,
      admin,
      adminApi,
      rls: kamailio.rls,
      passwordOf: (id) => {
        const pw = passwords.get(id);
        if (!pw) throw new Error(`no lab user ${id}`);
        return pw;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Writes a user's resource list (their CUPS contacts, each once) to the lab Kamailio's RLS, as `sip:<user>-list@<domain>`. */
export function writeResourceList(kamailio: Kamailio, userId: string, groups: CupsGroup[]): Promise<void> {
  const members = [...new Set(groups.flatMap((g) => g.contacts.map((c) => personaUri(c.personaId, kamailio.domain))))];
  return kamailio.setResourceList({ user: userId, listUri: `sip:${userId}-list@${kamailio.domain}`, members });
}
