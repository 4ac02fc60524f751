/**
 * What a presence document says besides the state: when the person was last there (the newest
 * PIDF or data-model `timestamp`, RFC 3863 / 4479) and the address of their picture (CIPID
 * `icon`, RFC 4482). Read for "last seen" on offline contacts and for contact photos.
 */
import { children, nsOf, text, type XmlNode } from '../../xml/safe-xml';

/** RFC 4482 contact information (the person's `icon`, a URI of their picture). */
const CIPID_NS = 'urn:ietf:params:xml:ns:pidf:cipid';
/** A clock a little ahead is tolerated; a date far in the future is not a "last seen". */
const CLOCK_SLACK_MS = 5 * 60_000;

/** The newest valid `timestamp` child of these nodes, not later than `notAfter`. */
function newestTimestamp(nodes: XmlNode[], notAfter: number): number | undefined {
  let newest: number | undefined;
  for (const node of nodes) {
    for (const t of children(node, 'timestamp')) {
      const at = Date.parse(text(t).trim());
      if (Number.isFinite(at) && at <= notAfter && (newest === undefined || at > newest)) newest = at;
    }
  }
  return newest;
}

export function pidfExtras(presence: XmlNode, now = Date.now()): { timestamp?: number; icon?: string } {
  const persons = children(presence, 'person');
  const timestamp = newestTimestamp([...children(presence, 'tuple'), ...persons], now + CLOCK_SLACK_MS);
  const icon = persons
    .flatMap((p) => children(p, 'icon'))
    .filter((i) => nsOf(i) === CIPID_NS)
    .map((i) => text(i).trim())
    .find((u) => /^https?:\/\/\S+$/i.test(u));
  return { ...(timestamp !== undefined ? { timestamp } : {}), ...(icon ? { icon } : {}) };
}
