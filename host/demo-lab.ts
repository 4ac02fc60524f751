/**
 * The demo lab for development and tests: starts the lab (Kamailio, the lab CUPS server,
 * WebDialer, the CTI gateway, slapd, colleague bots) and describes it as a `DemoLabAddress`
 * a host can sign in to. Only `npm start` (scripts/start.ts), the screenshots script and the
 * tests import this module: the Electron bundle (electron/main.ts) does not, so the shipped
 * app contains no lab.
 */
import { startLab, type Lab, type LabOptions } from '../lab';
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
