/**
 * `npm run lab`: runs the demo lab on its own (Kamailio, lab CUPS, colleague bots) and prints
 * where to point a client, until Ctrl+C.
 */
import { startLab } from './index';

const lab = await startLab({ livenEveryMs: 20_000, log: (line) => console.log(line) });
console.log(`Lab CUPS server: ${lab.cupsUrl}`);
console.log(`Sign in as ${lab.demoUser.id} / ${lab.demoUser.password}`);
console.log(`Directory: ldap://${lab.slapd.host}:${lab.slapd.port}/ ${lab.slapd.peopleBase} (bind ${lab.slapd.bindDn} / ${lab.slapd.bindPassword})`);
for (const person of lab.colleagues) console.log(`  colleague ${person.id} (${person.displayName}) password ${lab.passwordOf(person.id)}`);
const stop = async () => {
  await lab.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
