/**
 * A corpus of hostile instant messages and presence notes (markup, event handlers, script
 * URLs, mutation-XSS shapes, template syntax, bidi and invisible characters, sizes), and the
 * DOM check that they were rendered inert: shown as the same text, with no element made from
 * them, no event-handler attribute, no link other than http(s)/mailto, and no script run.
 * Every payload that could run sets `window.__pwned`, so running is seen, not guessed.
 * Used by the fast renderer test and by the reliability suite's `hostile` part.
 */
import type { Page } from 'playwright-core';

/** Hostile text that is valid in both an IM and a presence note (XML 1.0 characters only). */
export const HOSTILE_TEXTS: string[] = [
  `<script>window.__pwned='script'</script>`,
  `<img src=x onerror="window.__pwned='img'">`,
  `<svg onload="window.__pwned='svg'"><circle r=5 /></svg>`,
  `<svg><script>window.__pwned='svg-script'</script></svg>`,
  `<iframe srcdoc="<script>parent.__pwned='iframe'</script>"></iframe>`,
  `<iframe src="javascript:parent.__pwned='iframe-src'"></iframe>`,
  `<object data="javascript:window.__pwned='object'"></object><embed src="javascript:window.__pwned='embed'">`,
  `<a href="javascript:window.__pwned='link'">click me</a> and javascript:window.__pwned='bare'`,
  `<a href=" jav&#x09;ascript:window.__pwned='tab'">spaced</a> JaVaScRiPt:window.__pwned='case'`,
  `[docs](javascript:alert(1)) data:text/html,<script>alert(1)</script> vbscript:msgbox`,
  `https://example.com/"><script>window.__pwned='url-break'</script> and http://x/<img src=x onerror=window.__pwned='url-img'>`,
  `mailto:a@b.example?body=<script>window.__pwned='mailto'</script>`,
  `" onmouseover="window.__pwned='attr' x="`,
  `' autofocus onfocus='window.__pwned="focus"`,
  `<noscript><p title="</noscript><img src=x onerror=window.__pwned='mxss'>">`,
  `<math><mtext><table><mglyph><style><img src=x onerror=window.__pwned='math'>`,
  `<template><img src=x onerror="window.__pwned='template'"></template>`,
  `<style>body{background:url("javascript:window.__pwned='css'")}</style><div style="x:expression(window.__pwned='expr')">`,
  `<meta http-equiv="refresh" content="0;url=javascript:window.__pwned='meta'"><base href="javascript:/">`,
  `<form action="javascript:window.__pwned='form'"><button>go</button></form><input autofocus onfocus="window.__pwned='input'">`,
  `<details open ontoggle="window.__pwned='details'">x</details><video><source onerror="window.__pwned='video'"></video>`,
  `<link rel="import" href="data:text/html,<script>parent.__pwned='import'</script>">`,
  `&lt;b&gt;entities stay text&lt;/b&gt; &amp; &#60;i&#62; &#x3C;script&#x3E;`,
  `{{constructor.constructor('window.__pwned=1')()}} \${window.__pwned=2} <%= window.__pwned=3 %> #{window.__pwned=4}`,
  `__proto__ constructor prototype toString hasOwnProperty`,
  `‮gnp.exe‬ RTL override then ‏normal‎ and ‪LRE‬ ⁦isolate⁩`,
  `zero​width‌non‍joiner⁠word﻿joiner and soft­hyphen`,
  `Emoji 👩🏽‍💻🏳️‍🌈🇯🇵 and combining é́́ Z̸̢̛̗̪a̷l̶g̵o̴`,
  `line one\nline two\r\nline three\ttabbed   spaced`,
  `${'<b>'.repeat(500)}deep${'</b>'.repeat(500)}`,
  `${'W'.repeat(4000)}`,
];

/** Control characters that only an IM can carry (an XML document cannot hold them). */
export const HOSTILE_IM_ONLY: string[] = [
  `null\u0000byte and bell\u0007 and escape\u001b[2J and DEL\u007f`,
  `\u0001\u0002\u0003<script>window.__pwned='ctl'</script>`,
];

export interface InertReport {
  /** Elements a payload could have made (script, img, svg, iframe, object, embed, style, meta, base, form, input, math, template, link, video). */
  elements: number;
  /** Elements carrying an on* attribute. */
  handlers: number;
  /** Links whose address is not http(s) or mailto. */
  unsafeLinks: string[];
  /** Whatever a payload that ran left in `window.__pwned` (undefined: none ran). */
  pwned: unknown;
}

/**
 * The DOM check, inside every element `scope` (a CSS selector) matches: the parts of the page
 * that show what others wrote (messages, notes, names), where the app itself makes none of these.
 */
export function inertness(page: Page, scope: string): Promise<InertReport> {
  return page.evaluate((scope) => {
    const roots = [...document.querySelectorAll(scope)];
    if (!roots.length) throw new Error(`${scope} is not on the page`);
    const tags = 'script,img,svg,iframe,object,embed,style,meta,base,form,input,math,template,link,video,audio,source,noscript,details';
    const all = roots.flatMap((root) => [root, ...root.querySelectorAll('*')]);
    return {
      // The app's own contact photos are the one image it draws there: the core's checked data: URLs, in the Avatar.
      elements: all.filter(
        (el) => el.matches(tags) && !(el.matches('img[data-testid="avatar"]') && /^data:image\/(png|jpeg|gif|webp);base64,/.test(el.getAttribute('src') ?? '')),
      ).length,
      handlers: all.filter((el) => [...el.attributes].some((a) => a.name.toLowerCase().startsWith('on'))).length,
      unsafeLinks: all
        .filter((el) => el.matches('a'))
        .map((a) => a.getAttribute('href') ?? '')
        .filter((h) => !/^(https?:|mailto:)/i.test(h)),
      pwned: (window as unknown as { __pwned?: unknown }).__pwned,
    };
  }, scope);
}

/** True when the report shows nothing hostile took effect. */
export const isInert = (r: InertReport): boolean => r.elements === 0 && r.handlers === 0 && r.unsafeLinks.length === 0 && r.pwned === undefined;
