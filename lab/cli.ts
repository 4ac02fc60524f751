/**
 * `npm run lab`: runs the demo lab on its own (Kamailio, lab CUPS, colleague bots) and prints
 * where to point a client, until Ctrl+C. `--contacts N` gives the demo user N more contacts.
 * `--simple` runs the plain SIMPLE lab instead (Kamailio with XCAP and winfo, the lab's DNS).
 */
import { parseArgs } from 'node:util';
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
const stop = async () => {
  await lab.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
