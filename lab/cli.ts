/**
 * `npm run lab`: runs the demo lab on its own (Kamailio, lab CUPS, colleague bots) and prints
 * where to point a client, until Ctrl+C. `--contacts N` gives the demo user N more contacts.
 * `--simple` runs the plain SIMPLE lab instead (Kamailio with XCAP and winfo, the lab's DNS).
 *
 * `npm run lab -- admin <command> …`: the running lab's administrator (lab/admin/commands.ts):
 * changes users' contacts, groups, dialing rules, IM, licences or the presence server and tells
 * signed-in clients with UCCN notifications. It finds the running lab through the file the lab
 * writes (ADMIN_FILE), or `--url` and `--token`.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { adminUsage } from './admin/commands';
import { sendAdminCommand } from './admin/http';
import { startLab } from './index';
import { startSimpleLab } from './simple';

if (process.argv.includes('--simple')) {
  const simple = await startSimpleLab({ log: (line) => console.log(line) });
  console.log(`Plain SIMPLE lab: DNS ${simple.dnsServer} (set it as the dnsServers setting), XCAP ${simple.xcapRoot}`);
  console.log(`Sign in (Any SIMPLE server) as ${simple.demoUser.address} / ${simple.demoUser.password}`);
  for (const person of simple.colleagues) console.log(`  colleague ${person.id}@${simple.domain} password ${simple.passwordOf(person.id)}`);
  const stopSimple = async () => {
    await simple.stop();
    process.exit(0);
  };
  process.on('SIGINT', stopSimple);
  process.on('SIGTERM', stopSimple);
  await new Promise(() => {});
}

/** Where a running lab leaves its admin URL and token (readable by this user only). */
const ADMIN_FILE = join(tmpdir(), `presence-desk-lab-admin-${process.getuid?.() ?? 'user'}.json`);

if (process.argv[2] === 'admin') {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(3),
    options: { url: { type: 'string' }, token: { type: 'string' } },
    allowPositionals: true,
  });
  let target = values.url && values.token ? { url: values.url, token: values.token } : undefined;
  if (!target) {
    try {
      target = JSON.parse(readFileSync(ADMIN_FILE, 'utf8')) as { url: string; token: string };
    } catch {
      console.error(`No running lab found (${ADMIN_FILE}): start one with npm run lab, or give --url and --token.`);
      process.exit(2);
    }
  }
  if (!positionals.length) {
    console.error(`npm run lab -- admin <command> …\n${adminUsage()}`);
    process.exit(2);
  }
  try {
    console.log(await sendAdminCommand(target.url, target.token, positionals));
    process.exit(0);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}

const { values } = parseArgs({
  options: { contacts: { type: 'string' }, https: { type: 'boolean' }, rls: { type: 'boolean' }, 'sip-transport': { type: 'string' } },
  strict: false,
});
const extraContacts = Number(values.contacts ?? 0);
if (!Number.isInteger(extraContacts) || extraContacts < 0) {
  console.error(`--contacts takes a whole number, not "${String(values.contacts)}"`);
  process.exit(2);
}
// `--https`: the lab CUPS serves HTTPS with a self-signed certificate made for this run.
const cupsTls = values.https === true;
// `--rls`: also run the resource list server (event-list presence, RFC 4662).
const rls = values.rls === true;
// `--sip-transport udp|tcp|tls`: the protocol the lab CUPS advertises for the presence server.
const transportArg = values['sip-transport'];
const sipTransport = transportArg === 'udp' || transportArg === 'tls' || transportArg === 'tcp' ? transportArg : undefined;
if (transportArg !== undefined && !sipTransport) {
  console.error(`--sip-transport takes udp, tcp or tls, not "${String(transportArg)}"`);
  process.exit(2);
}
const lab = await startLab({ livenEveryMs: 20_000, cupsTls, rls, sipTransport, extraContacts, log: (line) => console.log(line) });
if (cupsTls) console.log(`Lab CUPS certificate SHA-256: ${lab.cups.certificateFingerprint}`);
console.log(`SIP over TLS certificate to trust (self-signed, this run only):\n${lab.kamailio.tlsCertificate.trim()}`);
console.log(`Lab CUPS server: ${lab.cupsUrl}`);
console.log(`Sign in as ${lab.demoUser.id} / ${lab.demoUser.password}`);
console.log(`Directory: ldap://${lab.slapd.host}:${lab.slapd.port}/ ${lab.slapd.peopleBase} (bind ${lab.slapd.bindDn} / ${lab.slapd.bindPassword})`);
for (const person of lab.colleagues) console.log(`  colleague ${person.id} (${person.displayName}) password ${lab.passwordOf(person.id)}`);
if (extraContacts) console.log(`  and ${extraContacts} more contacts in ${new Set(lab.extraPeople.map((p) => p.group)).size} groups (offline)`);
writeFileSync(ADMIN_FILE, JSON.stringify({ url: lab.adminApi.url, token: lab.adminApi.token }), { mode: 0o600 });
console.log(`Administrator: npm run lab -- admin <command> … (API ${lab.adminApi.url}, token in ${ADMIN_FILE})`);
const stop = async () => {
  rmSync(ADMIN_FILE, { force: true });
  await lab.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
