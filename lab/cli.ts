/**
 * `npm run lab`: runs the demo lab on its own (Kamailio, lab CUPS, colleague bots) and prints
 * where to point a client, until Ctrl+C.
 */
import { startLab } from './index';

// `npm run lab -- --rls` also runs the resource list server (event-list presence, RFC 4662).
const lab = await startLab({ livenEveryMs: 20_000, rls: process.argv.includes('--rls'), log: (line) => console.log(line) });
console.log(`Lab CUPS server: ${lab.cupsUrl}`);
console.log(`Sign in as ${lab.demoUser.id} / ${lab.demoUser.password}`);
for (const person of lab.colleagues) console.log(`  colleague ${person.id} (${person.displayName}) password ${lab.passwordOf(person.id)}`);
const stop = async () => {
  await lab.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
