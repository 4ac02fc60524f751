/**
 * The demo lab for development and tests: starts the lab (Kamailio, the lab CUPS server,
 * WebDialer, the CTI gateway, slapd, colleague bots) and describes it as a `DemoLabAddress`
 * a host can sign in to. Only `npm start` (scripts/start.ts), the screenshots script and the
 * tests import this module: the Electron bundle (electron/main.ts) does not, so the shipped
 * app contains no lab.
 */
import { startLab, type Lab, type LabOptions } from '../lab';
import { startSimpleLab, type SimpleLab, type SimpleLabOptions } from '../lab/simple';
import type { DemoLabAddress, StartedDemoLab } from './backend-factory';

export function demoLabAddress(lab: Lab): DemoLabAddress {
  return { cupsUrl: lab.cupsUrl, user: lab.demoUser.id, password: lab.demoUser.password, sipTlsCa: lab.kamailio.tlsCertificate };
}

/** A `demoLab` for `createBackend`: the lab is started only when the backend needs it, and stopped with it. */
export function demoLabStarter(options: LabOptions = {}): () => Promise<StartedDemoLab> {
  return async () => {
    const lab = await startLab({ livenEveryMs: 30_000, ...options });
    return { address: demoLabAddress(lab), lab, stop: () => lab.stop() };
  };
}

export function simpleDemoLabAddress(lab: SimpleLab): DemoLabAddress {
  return { kind: 'simple', cupsUrl: lab.domain, user: lab.demoUser.address, password: lab.demoUser.password, dnsServers: [lab.dnsServer] };
}

/** The plain SIMPLE demo lab (`npm start -- --demo simple`): Kamailio with XCAP and winfo, found through the lab's DNS. */
export function simpleDemoLabStarter(options: SimpleLabOptions = {}): () => Promise<StartedDemoLab> {
  return async () => {
    const lab = await startSimpleLab(options);
    return { address: simpleDemoLabAddress(lab), stop: () => lab.stop() };
  };
}

/** Which demo lab the command line asks for: `--demo simple` (or `--demo=simple`) the plain SIMPLE one, else the CUPS one. */
export function demoProfile(argv: string[]): 'simple' | 'cups' {
  const at = argv.indexOf('--demo');
  return argv.includes('--demo=simple') || (at >= 0 && argv[at + 1] === 'simple') ? 'simple' : 'cups';
}
