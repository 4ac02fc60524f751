/**
 * The demo lab for development and tests: starts the lab (Kamailio, the lab CUPS server,
 * WebDialer, the CTI gateway, slapd, colleague bots) and describes it as a `DemoLabAddress`
 * a host can sign in to. Only `npm start` (scripts/start.ts), the screenshots script and the
 * tests import this module: the Electron bundle (electron/main.ts) does not, so the shipped
 * app contains no lab.
 */
import { startLab, type Lab, type LabOptions } from '../lab';
import { startLabCmeRouter } from '../lab/cme/router';
import type { DemoKind, DemoLabAddress, StartedDemoLab } from './backend-factory';

export function demoLabAddress(lab: Lab): DemoLabAddress {
  return { cupsUrl: lab.cupsUrl, user: lab.demoUser.id, password: lab.demoUser.password, sipTlsCa: lab.kamailio.tlsCertificate };
}

/** A `demoLab` for `createBackend`: the lab is started only when the backend needs it, and stopped with it. */
export function demoLabStarter(options: LabOptions = {}): (kind?: DemoKind) => Promise<StartedDemoLab> {
  return async (kind = 'cups') => {
    if (kind === 'cme') return startCmeDemo(options);
    const lab = await startLab({ livenEveryMs: 30_000, ...options });
    return { address: demoLabAddress(lab), lab, stop: () => lab.stop() };
  };
}

/**
 * `--demo cme`: the lab CME router alone (no Kamailio: a CME office has no presence server);
 * colleagues pick up and hang up every few seconds unless `livenEveryMs` is 0.
 */
async function startCmeDemo(options: LabOptions): Promise<StartedDemoLab> {
  const cme = await startLabCmeRouter({ ...(options.log ? { log: options.log } : {}) });
  const every = options.livenEveryMs ?? 8000;
  if (every > 0) cme.liven(Math.min(every, 8000));
  return { address: { cupsUrl: cme.url, user: cme.user.id, password: cme.user.password, serverType: 'cme' }, cme, stop: () => cme.close() };
}
