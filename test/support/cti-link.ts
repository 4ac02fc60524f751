/** CTI links to the lab gateway in tests: short time limits and retries, and waiting on a phone state. */
import type { PhoneState } from '../../shared/domain';
import { CtiLink } from '../../core/dial/cti-link';
import type { LabCtiGateway } from '../../lab/cti/gateway';
import { waitForEvent } from './wait';

/** Time limits short enough that a lost gateway is noticed within a test. */
export const FAST_CTI = { requestTimeoutMs: 2000, retryFirstMs: 50, retryMaxMs: 200 };

/** The link's phone state once it satisfies `predicate` (already, or from now on). */
export function phoneState(link: CtiLink, predicate: (s: PhoneState) => boolean, what: string): Promise<PhoneState> {
  if (predicate(link.state)) return Promise.resolve(link.state);
  return waitForEvent<PhoneState>((cb) => link.on('state', cb), predicate, what);
}

/** A started link for `line` to the gateway, kept in `links` so the test can stop it. */
export function startCtiLink(gateway: LabCtiGateway, links: CtiLink[], line: string, extra: Partial<ConstructorParameters<typeof CtiLink>[0]> = {}): CtiLink {
  const link = new CtiLink({ gateways: [{ host: gateway.host, port: gateway.port }], line, ...FAST_CTI, ...extra });
  links.push(link);
  link.start();
  return link;
}
