/**
 * The demo lab for development and tests: starts the lab (Kamailio, the lab CUPS server,
 * WebDialer, the CTI gateway, slapd, colleague bots) and describes it as a `DemoLabAddress`
 * a host can sign in to. Only `npm start` (scripts/start.ts), the screenshots script and the
 * tests import this module: the Electron bundle (electron/main.ts) does not, so the shipped
 * app contains no lab.
 */
import { startLab, type Lab, type LabOptions } from '../lab';
import { startLabCmeSipSite } from '../lab/cme/sip-site';
import { startSimpleLab, type SimpleLab } from '../lab/simple';
import type { ServerType } from '../shared/domain';
import type { DemoLabAddress, StartedDemoLab } from './backend-factory';

export function demoLabAddress(lab: Lab): DemoLabAddress {
  return { cupsUrl: lab.cupsUrl, user: lab.demoUser.id, password: lab.demoUser.password, sipTlsCa: lab.kamailio.tlsCertificate };
}

/**
 * A `demoLab` for `createBackend`: the lab of the server type `--demo` names (the lab CUPS by
 * default) is started only when the backend needs it, and stopped with it.
 */
export function demoLabStarter(options: LabOptions = {}): (serverType?: ServerType) => Promise<StartedDemoLab> {
  return async (serverType = 'cups') => {
    if (serverType === 'cme') return startCmeDemo(options);
    if (serverType === 'simple') return startSimpleDemo(options);
    const lab = await startLab({ livenEveryMs: 30_000, ...options });
    return { address: demoLabAddress(lab), lab, stop: () => lab.stop() };
  };
}

/**
 * `--demo cme`: the lab CME router with its presence engine on and a lab Kamailio as its SIP
 * side (lab/cme/sip-site.ts): three colleagues show SIP presence, the others their line state;
 * colleagues pick up and hang up every few seconds unless `livenEveryMs` is 0.
 */
async function startCmeDemo(options: LabOptions): Promise<StartedDemoLab> {
  const site = await startLabCmeSipSite({ publishStatus: true, ...(options.log ? { log: options.log } : {}) });
  const cme = site.router;
  const every = options.livenEveryMs ?? 8000;
  if (every > 0) cme.liven(Math.min(every, 8000));
  return { address: { cupsUrl: cme.url, user: cme.user.id, password: cme.user.password, serverType: 'cme' }, cme, cmeSip: site, stop: () => site.stop() };
}

export function simpleDemoLabAddress(lab: SimpleLab): DemoLabAddress {
  return { serverType: 'simple', cupsUrl: lab.domain, user: lab.demoUser.address, password: lab.demoUser.password, dnsServers: [lab.dnsServer] };
}

/** `--demo simple`: the plain SIMPLE lab, Kamailio with XCAP and winfo, found through the lab's DNS. */
async function startSimpleDemo(options: LabOptions): Promise<StartedDemoLab> {
  const lab = await startSimpleLab({ ...(options.bots !== undefined ? { bots: options.bots } : {}), ...(options.log ? { log: options.log } : {}) });
  return { address: simpleDemoLabAddress(lab), stop: () => lab.stop() };
}
