/**
 * The lab CME site with SIP presence: the lab router with its presence engine on, and a lab
 * Kamailio (the default profile: registrar, presence without XCAP authorisation) standing in
 * for the router's SIP side, named by ISgetVoiceRegGlobal. Its SIP domain is the registrar's
 * address, as on a CME router; its users are the demo user (the router's user name and, unless
 * told otherwise, password, as a voice register pool usually has) and the colleagues whose
 * phones publish presence over SIP, known by their extension numbers.
 */
import { randomBytes } from 'node:crypto';
import type { OwnStatus } from '../../shared/domain';
import { startKamailio, type Kamailio } from '../kamailio';
import { BulkPublisher } from '../publisher';
import { LAB_CME_USER } from './people';
import { startLabCmeRouter, type LabCmeRouter } from './router';

/** The colleagues with SIP presence: Maria and Priya (SCCP lines, SIP softphones) and Nadia (the SIP phone). */
export const LAB_CME_SIP_NUMBERS = ['2002', '2004', '2013'];

/** What the demo shows for them at start (Maria publishes nothing yet: her line decides until she does). */
export const LAB_CME_SIP_STATUS: Record<string, OwnStatus> = {
  '2004': { availability: 'away', note: 'Lunch' },
  '2013': { availability: 'busy', note: 'In a meeting until 3' },
};

export interface LabCmeSipSite {
  router: LabCmeRouter;
  kamailio: Kamailio;
  /** The SIP domain (the registrar's address). */
  domain: string;
  /** Publishes a SIP colleague's status (by extension number). */
  publish(number: string, status: OwnStatus): Promise<void>;
  /** A SIP colleague's password (tests sign in as them to watch the demo user). */
  passwordOf(number: string): string;
  stop(): Promise<void>;
}

export async function startLabCmeSipSite(
  options: {
    log?: (line: string) => void;
    /** The demo user's SIP password when it differs from the router password (tests of a separate SIP login). */
    sipPassword?: string;
    /** Publish LAB_CME_SIP_STATUS at start (the demo). */
    publishStatus?: boolean;
  } = {},
): Promise<LabCmeSipSite> {
  const log = options.log ?? (() => {});
  const password = randomBytes(9).toString('base64url');
  const colleagues = new Map(LAB_CME_SIP_NUMBERS.map((n) => [n, randomBytes(9).toString('base64url')]));
  const domain = '127.0.0.1';
  const kamailio = await startKamailio({
    domain,
    users: [{ id: LAB_CME_USER.id, password: options.sipPassword ?? password }, ...[...colleagues].map(([id, pw]) => ({ id, password: pw }))],
    log,
  });
  let router: LabCmeRouter | undefined;
  let publisher: BulkPublisher | undefined;
  const stop = async () => {
    await publisher?.close().catch(() => undefined);
    await router?.close();
    await kamailio.stop();
  };
  try {
    router = await startLabCmeRouter({ log, password, sipPresence: { host: kamailio.host, port: kamailio.tcpPort } });
    publisher = new BulkPublisher({ host: kamailio.host, port: kamailio.tcpPort }, domain);
    await publisher.connect();
    const p = publisher;
    const publish = async (number: string, status: OwnStatus) => {
      const pw = colleagues.get(number);
      if (!pw) throw new Error(`lab cme: ${number} has no SIP presence here`);
      await p.publish([{ user: { id: number, password: pw }, status }]);
    };
    if (options.publishStatus) for (const [number, status] of Object.entries(LAB_CME_SIP_STATUS)) await publish(number, status);
    const passwordOf = (number: string) => {
      const pw = colleagues.get(number);
      if (!pw) throw new Error(`lab cme: ${number} has no SIP presence here`);
      return pw;
    };
    return { router, kamailio, domain, publish, passwordOf, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
