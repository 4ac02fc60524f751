/**
 * `npm run lab`: runs the demo lab on its own (Kamailio, lab CUPS, colleague bots) and prints
 * where to point a client, until Ctrl+C. `--contacts N` gives the demo user N more contacts.
 */
import { parseArgs } from 'node:util';
import { startLab } from './index';

const { values } = parseArgs({ options: { contacts: { type: 'string' } }, strict: false });
const extraContacts = Number(values.contacts ?? 0);
if (!Number.isInteger(extraContacts) || extraContacts < 0) {
  console.error(`--contacts takes a whole number, not "${String(values.contacts)}"`);
  process.exit(2);
}
const lab = await startLab({ livenEveryMs: 20_000, extraContacts, log: (line) => console.log(line) });
console.log(`Lab CUPS server: ${lab.cupsUrl}`);
console.log(`Sign in as ${lab.demoUser.id} / ${lab.demoUser.password}`);
for (const person of lab.colleagues) console.log(`  colleague ${person.id} (${person.displayName}) password ${lab.passwordOf(person.id)}`);
if (extraContacts) console.log(`  and ${extraContacts} more contacts in ${new Set(lab.extraPeople.map((p) => p.group)).size} groups (offline)`);
const stop = async () => {
  await lab.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
