/**
 * Configuration-change notifications (RFC 5875): the xcap-diff reader on the RFC's example
 * documents (test/fixtures/xcap, sources in its README), and the whole path on a real sip.js
 * user agent over the in-memory transport: the SUBSCRIBE carries the resource-lists body, a
 * NOTIFY with a new ETag makes one re-read of that document and nothing else, the same ETag
 * again makes none, and a refused subscription hands back to the periodic re-read.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DigestCredentialCache } from '../../../core/sip/message/digest';
import { Watching } from '../../../core/sip/usages/watching';
import { XCAP_DIFF_TYPE, XcapDiffWatch, readXcapDiff, sameEtag, xcapDiffSubscription } from '../../../core/xcap/xcap-diff';
import { parseXml, children, attr } from '../../../core/xml/safe-xml';
import { startFakeSip, type FakeSip } from '../../support/fake-sip';

const fixture = (name: string) => readFileSync(join(__dirname, '../../fixtures/xcap', name), 'utf8');
const JOE = 'sip:joe@example.com';

describe('readXcapDiff', () => {
  it('reads the first NOTIFY (prefixed namespace): every document with its new ETag', () => {
    const diff = readXcapDiff(fixture('rfc5875-initial-notify.xml'));
    expect(diff.xcapRoot).toBe('http://xcap.example.com/root/');
    expect(diff.documents).toEqual([
      { sel: 'resource-lists/users/sip:joe@example.com/index', auid: 'resource-lists', xui: JOE, newEtag: '7ahggs' },
      { sel: 'rls-services/users/sip:joe@example.com/index', auid: 'rls-services', xui: JOE, newEtag: '30376adf' },
      { sel: 'pres-rules/users/sip:joe@example.com/index', auid: 'pres-rules', xui: JOE, newEtag: 'ffds66a' },
    ]);
  });

  it('reads a later NOTIFY (default namespace): a patched document and a removed one', () => {
    const diff = readXcapDiff(fixture('rfc5875-patch-notify.xml'));
    expect(diff.documents).toEqual([
      { sel: 'resource-lists/users/sip:joe@example.com/index', auid: 'resource-lists', xui: JOE, previousEtag: '7ahggs', newEtag: 'fgherhryt3' },
      { sel: 'pres-rules/users/sip:joe@example.com/index', auid: 'pres-rules', xui: JOE, previousEtag: 'ffds66a' },
    ]);
  });

  it('refuses a document in another namespace, in words', () => {
    expect(() => readXcapDiff('<xcap-diff xmlns="urn:example:other"><document sel="a/users/b/index" new-etag="1"/></xcap-diff>')).toThrow(
      /something other than an xcap-diff document/,
    );
    expect(() => readXcapDiff(fixture('rfc5875-subscribe.xml'))).toThrow(/something other than an xcap-diff document/);
  });

  it('compares ETags without HTTP quotes', () => {
    expect(sameEtag('"7ahggs"', '7ahggs')).toBe(true);
    expect(sameEtag('W/"7ahggs"', '7ahggs')).toBe(true);
    expect(sameEtag('"7ahggs"', 'fgherhryt3')).toBe(false);
    expect(sameEtag(undefined, '7ahggs')).toBe(false);
  });
});

describe('xcapDiffSubscription', () => {
  it('names the documents as the RFC example does', () => {
    const ours = parseXml(xcapDiffSubscription(JOE, ['resource-lists', 'rls-services', 'pres-rules']), { namespaces: true });
    const theirs = parseXml(fixture('rfc5875-subscribe.xml'), { namespaces: true });
    const uris = (tree: ReturnType<typeof parseXml>) => children(children(children(tree, 'resource-lists')[0], 'list')[0], 'entry').map((e) => attr(e, 'uri'));
    expect(uris(ours)).toEqual(uris(theirs));
  });
});

describe('XcapDiffWatch on the SIP account', () => {
  let sip: FakeSip;
  beforeEach(async () => {
    sip = await startFakeSip('joe', 'example.com');
  });
  afterEach(async () => {
    await sip.stop();
  });

  function watch() {
    const log: string[] = [];
    const live: boolean[] = [];
    const etags = { 'resource-lists': '"7ahggs"', 'pres-rules': '"ffds66a"' };
    const rereads: string[] = [];
    const credentials = new DigestCredentialCache({ username: 'joe', password: 'secret' });
    const watching = new Watching({ agent: () => ({ ua: sip.ua, credentials }), log: (line) => log.push(line), presence: () => {} });
    const diffWatch = new XcapDiffWatch({
      xui: JOE,
      log: (line) => log.push(line),
      onLive: (on) => live.push(on),
      documents: (['resource-lists', 'pres-rules'] as const).map((auid) => ({
        auid,
        etag: () => etags[auid],
        reread: async () => {
          rereads.push(auid);
          // What reading it again brings: the server's new ETag.
          etags[auid] = auid === 'resource-lists' ? '"fgherhryt3"' : '"ffds66b"';
        },
      })),
    });
    const stop = diffWatch.start((target, event, accept, onNotify, more) => watching.watchEvent({ target, event, accept, onNotify, ...more }));
    const [subscribe] = sip.take('SUBSCRIBE');
    expect(subscribe).toBeDefined();
    return { subscribe: subscribe!, log, live, rereads, stop, settled: () => diffWatch.whenIdle() };
  }

  const tick = () => new Promise((resolve) => setImmediate(resolve));

  it('subscribes with the documents in the body; a new ETag makes one re-read of that document only', async () => {
    const { subscribe, live, rereads, settled } = watch();
    expect(subscribe.getHeader('Event')).toBe('xcap-diff');
    expect(subscribe.getHeader('Accept')).toBe(XCAP_DIFF_TYPE);
    expect(subscribe.getHeader('Content-Type')).toBe('application/resource-lists+xml');
    expect(subscribe.body).toContain('<entry uri="resource-lists/users/sip:joe@example.com/index"/>');
    expect(subscribe.body).toContain('<entry uri="pres-rules/users/sip:joe@example.com/index"/>');
    sip.respond(subscribe, 200, 'OK', ['Expires: 600', 'Contact: <sip:server@127.0.0.2:5060;transport=tcp>'], 'srv1');

    // The first NOTIFY: the ETags we hold already; nothing to read.
    sip.notify(subscribe, {
      toTag: 'srv1',
      state: 'active;expires=600',
      event: 'xcap-diff',
      contentType: XCAP_DIFF_TYPE,
      body: fixture('rfc5875-initial-notify.xml'),
      cseq: 1,
    });
    await tick();
    await settled();
    expect(rereads).toEqual([]);
    expect(live).toEqual([true]);

    // Another client added an entry: the buddy list alone is read again, once.
    const changed = fixture('rfc5875-patch-notify.xml').replace(/<document previous-etag="ffds66a"[^>]*\/>/, '');
    sip.notify(subscribe, { toTag: 'srv1', state: 'active;expires=600', event: 'xcap-diff', contentType: XCAP_DIFF_TYPE, body: changed, cseq: 2 });
    await tick();
    await settled();
    expect(rereads).toEqual(['resource-lists']);

    // The same ETag told again (our own read brought it): no second read.
    sip.notify(subscribe, { toTag: 'srv1', state: 'active;expires=600', event: 'xcap-diff', contentType: XCAP_DIFF_TYPE, body: changed, cseq: 3 });
    await tick();
    await settled();
    expect(rereads).toEqual(['resource-lists']);
  });

  it('a NOTIFY without content (Kamailio 5.6) leaves the periodic re-read in force; a refusal says so', async () => {
    const { subscribe, live, rereads, log, settled } = watch();
    sip.respond(subscribe, 200, 'OK', ['Expires: 600', 'Contact: <sip:server@127.0.0.2:5060;transport=tcp>'], 'srv1');
    sip.notify(subscribe, { toTag: 'srv1', state: 'active;expires=600', event: 'xcap-diff', cseq: 1 });
    await tick();
    await settled();
    expect(live).toEqual([]);
    expect(rereads).toEqual([]);

    sip.notify(subscribe, { toTag: 'srv1', state: 'terminated;reason=rejected', event: 'xcap-diff', cseq: 2 });
    await tick();
    expect(live).toEqual([false]);
    expect(log.join('\n')).toMatch(/change notifications not in force/);
  });

  it('a body that is not an xcap-diff document is logged in words and read nothing', async () => {
    const { subscribe, live, rereads, log, settled } = watch();
    sip.respond(subscribe, 200, 'OK', ['Expires: 600', 'Contact: <sip:server@127.0.0.2:5060;transport=tcp>'], 'srv1');
    sip.notify(subscribe, {
      toTag: 'srv1',
      state: 'active;expires=600',
      event: 'xcap-diff',
      contentType: XCAP_DIFF_TYPE,
      body: '<html><body>502</body></html>',
      cseq: 1,
    });
    await tick();
    await settled();
    expect(rereads).toEqual([]);
    expect(live).toEqual([]);
    expect(log.join('\n')).toMatch(/xcap-diff NOTIFY not read: .*something other than an xcap-diff document/);
  });
});
