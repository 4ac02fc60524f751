/**
 * Configuration-change notifications (RFC 5875, the `xcap-diff` event package): the user's
 * own address is subscribed with a resource-lists body naming the documents to watch (the
 * buddy list and pres-rules), and each NOTIFY's xcap-diff document says which of them has a
 * new ETag. A document whose new ETag differs from the one held here is read again at once;
 * the rest are left alone. Patches inside the NOTIFY are not applied: reading the changed
 * document again is one GET and cannot drift from what the server holds.
 *
 * Servers that accept the subscription but send no content in it (Kamailio 5.6), and servers
 * that refuse it, leave the caller's periodic re-read in force (`onLive(false)`).
 */
import { DeskError, toAppError } from '../errors';
import type { EventWatch, SubscriptionNotify } from '../sip';
import { normaliseAor } from '../uri';
import { attr, children, escapeXml, nsOf, parseXml } from '../xml/safe-xml';

export const XCAP_DIFF_EVENT = 'xcap-diff';
export const XCAP_DIFF_TYPE = 'application/xcap-diff+xml';
const XCAP_DIFF_NS = 'urn:ietf:params:xml:ns:xcap-diff';
const RESOURCE_LISTS_NS = 'urn:ietf:params:xml:ns:resource-lists';

/** One `<document>` of an xcap-diff document: its selector and ETags (no `new-etag`: the document was removed). */
export interface XcapDiffDocument {
  sel: string;
  auid: string;
  /** The XUI the selector names (decoded), `sip:alice@example.com`; '' for a global document. */
  xui: string;
  newEtag?: string;
  previousEtag?: string;
}

export interface XcapDiff {
  xcapRoot: string;
  documents: XcapDiffDocument[];
}

/** Reads an xcap-diff document (RFC 5874) by namespace; anything else is refused in words. */
export function readXcapDiff(xml: string): XcapDiff {
  const root = parseXml(xml, { what: 'xcap-diff document', namespaces: true });
  const diff = children(root, 'xcap-diff').find((node) => nsOf(node) === XCAP_DIFF_NS);
  if (!diff) throw new DeskError('parse', 'An xcap-diff NOTIFY carried something other than an xcap-diff document.');
  const documents = children(diff, 'document')
    .filter((node) => nsOf(node) === XCAP_DIFF_NS)
    .flatMap((node): XcapDiffDocument[] => {
      const sel = attr(node, 'sel')?.trim();
      if (!sel) return [];
      const [auid = '', tree = '', xui = ''] = sel.replace(/^\/+/, '').split('/');
      const newEtag = attr(node, 'new-etag');
      const previousEtag = attr(node, 'previous-etag');
      return [
        {
          sel,
          auid,
          xui: tree === 'users' ? safeDecode(xui) : '',
          ...(newEtag ? { newEtag } : {}),
          ...(previousEtag ? { previousEtag } : {}),
        },
      ];
    });
  return { xcapRoot: attr(diff, 'xcap-root') ?? '', documents };
}

/** The SUBSCRIBE body (RFC 5875 §4.1): one entry per watched document, each its selector under the XCAP root. */
export function xcapDiffSubscription(xui: string, auids: string[]): string {
  const entries = auids.map((auid) => `    <entry uri="${escapeXml(`${auid}/users/${xui}/index`)}"/>`).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<resource-lists xmlns="${RESOURCE_LISTS_NS}">\n  <list>\n${entries}\n  </list>\n</resource-lists>\n`;
}

/** ETags compare without quotes or the weak marker: HTTP sends `"abc"`, xcap-diff `abc`. */
export const sameEtag = (a: string | undefined, b: string | undefined) => bareEtag(a) === bareEtag(b);
const bareEtag = (etag: string | undefined) =>
  etag
    ?.trim()
    .replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1');

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** One document the watch keeps in step: the ETag held now, and how to read it again. */
export interface WatchedDocument {
  auid: string;
  etag(): string | undefined;
  reread(): Promise<unknown>;
}

export interface XcapDiffWatchOptions {
  xui: string;
  documents: WatchedDocument[];
  log: (line: string) => void;
  /** True once a NOTIFY with content arrived (the periodic re-read may stop), false when the subscription failed. */
  onLive: (live: boolean) => void;
}

type WatchEvent = (
  target: string,
  event: string,
  accept: string[],
  onNotify: (notify: SubscriptionNotify) => void,
  more?: Pick<EventWatch, 'body' | 'onFailure'>,
) => () => void;

export class XcapDiffWatch {
  /** Reads run one after another, so a second NOTIFY compares with the ETag the first read brought. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly options: XcapDiffWatchOptions) {}

  /** Subscribes on the account; returns the way to stop. */
  start(watchEvent: WatchEvent): () => void {
    const { xui } = this.options;
    const body = {
      type: 'application/resource-lists+xml',
      text: xcapDiffSubscription(
        xui,
        this.options.documents.map((d) => d.auid),
      ),
    };
    return watchEvent(xui, XCAP_DIFF_EVENT, [XCAP_DIFF_TYPE], ({ body: text }) => void this.onNotify(text), {
      body,
      onFailure: (reason) => {
        this.options.log(`xcap: change notifications not in force (${reason}); reading the documents periodically`);
        this.options.onLive(false);
      },
    });
  }

  /** Settles once every re-read asked for so far is done. */
  whenIdle(): Promise<void> {
    return this.queue;
  }

  /** One NOTIFY body: documents with a new ETag are read again (an empty body changes nothing). */
  onNotify(body: string): Promise<void> {
    if (!body.trim()) return this.queue;
    let diff: XcapDiff;
    try {
      diff = readXcapDiff(body);
    } catch (error) {
      this.options.log(`xcap: xcap-diff NOTIFY not read: ${toAppError(error).message}`);
      return this.queue;
    }
    this.options.onLive(true);
    const xui = normaliseAor(this.options.xui);
    for (const doc of diff.documents) {
      const watched = this.options.documents.find((d) => d.auid === doc.auid);
      if (!watched || normaliseAor(doc.xui) !== xui) continue;
      this.queue = this.queue.then(async () => {
        if (doc.newEtag && sameEtag(doc.newEtag, watched.etag())) return;
        this.options.log(`xcap: ${doc.auid} changed on the server (ETag ${doc.newEtag ?? 'none: removed'}); reading it again`);
        await watched.reread().catch((error) => this.options.log(`xcap: reading ${doc.auid} again failed: ${toAppError(error).message}`));
      });
    }
    return this.queue;
  }
}
