// Over 400 lines: the grammar entry point, its memo and the shape checks of sip.js it relies on belong together.
/**
 * A faster entry point for sip.js's SIP grammar, installed once at start-up.
 *
 * Why: sip.js 0.21 parses every header it reads (first line, Via, From, To, CSeq, Contact,
 * Event, Subscription-State…) through `Grammar.parse`, which calls the peggy-generated
 * `peg$parse`. That function rebuilds its whole parser — it decodes ~230 bytecode strings
 * (`peg$decode`: split + map per string) — on every call. Profiling at 5,000 contacts showed
 * most of the core's CPU in that decoding, i.e. ~3 ms per SIP message. The bytecode is
 * constant data, so we decode it once: we compile a copy of the same `peg$parse` whose
 * bytecode table is the shared, already-decoded one, and point `Grammar.parse` at it.
 * Everything else (grammar, actions, results, errors) is sip.js's own code, unchanged.
 * Values that repeat from message to message (first line, Contact, Event, CSeq…) are also
 * remembered, and each caller gets its own copy of the result.
 *
 * We cannot edit node_modules (CI installs a clean copy), and the app is bundled (so we cannot
 * read the file from disk at run time): the source comes from the parse function itself
 * (`Function.prototype.toString`), which works both from node_modules and inside the bundle.
 *
 * Loud, not silent: if sip.js's internals change shape (no `peg$bytecode` table, unknown free
 * names, different results on a built-in sample), `installFastGrammar` throws at start-up
 * naming what it did not find — it never installs a parser it has not checked. At run time,
 * an error that is not the grammar's own SyntaxError (which sip.js maps to "invalid", -1)
 * falls back to sip.js's original parse and is reported once on stderr, never swallowed.
 * `test/unit/sip/sip-grammar.test.ts` asserts the patch is installed and gives identical
 * results on a corpus of real messages.
 */
import { NameAddrHeader, URI } from 'sip.js';
import { parse as pegParse, SyntaxError as PegSyntaxError } from 'sip.js/lib/grammar/pegjs/dist/grammar.js';
import { Grammar } from 'sip.js/lib/grammar/grammar.js';
import { ADDRESS_RULES, readAbsoluteAddress } from './absolute-address';

type ParseFn = ((input: string, options: { startRule?: string; data?: unknown }) => unknown) & { startRules?: ReadonlySet<string> };
type GrammarParse = (input: string, startRule: string) => unknown;

const originalParse: GrammarParse = Grammar.parse;
let installed: GrammarParse | undefined;
let reported = false;

/** Finds the `]` closing the array literal that opens at `open`, skipping string literals. */
function closingBracket(source: string, open: number): number {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    const c = source[i];
    if (c === '"' || c === "'" || c === '`') {
      for (i++; i < source.length && source[i] !== c; i++) if (source[i] === '\\') i++;
    } else if (c === '[') depth++;
    else if (c === ']' && --depth === 0) return i;
  }
  return -1;
}

/** Same decoding as peggy's `peg$decode`. */
const decode = (s: string): number[] => Array.from(s, (ch) => ch.charCodeAt(0) - 32);

/** What the compiled copy may reference besides JavaScript's globals, by base name. */
const FREE: Record<string, unknown> = { URI, NameAddrHeader, SyntaxError: PegSyntaxError, peg$SyntaxError: PegSyntaxError };

/** Finds the `}` closing the block that opens at `open`, skipping string literals. */
function closingBrace(source: string, open: number): number {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    const c = source[i];
    if (c === '"' || c === "'" || c === '`') {
      for (i++; i < source.length && source[i] !== c; i++) if (source[i] === '\\') i++;
    } else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

/** Removes exactly one occurrence of `what` from `text`, or throws naming it. */
function cut(text: string, what: string | RegExp): [rest: string, removed: string] {
  const m = typeof what === 'string' ? (text.indexOf(what) >= 0 ? { index: text.indexOf(what), 0: what } : null) : what.exec(text);
  if (!m || text.indexOf(m[0], m.index + m[0].length) >= 0)
    throw new Error(`sip.js grammar: expected one \`${String(what)}\` in the parse function; the fast grammar cannot be installed.`);
  return [text.slice(0, m.index) + text.slice(m.index + m[0].length), m[0]];
}

const fail = (what: string) => new Error(`sip.js grammar: ${what}; the fast grammar cannot be installed.`);

/**
 * Builds a parse function equivalent to sip.js's `peg$parse`, set up once: its bytecode is
 * decoded once and its constant table (literals, expectations, regular expressions, actions)
 * is built once; each call only resets the parse state (position, failures, input, options),
 * which is what `peg$parse` re-initialises at its start. Throws if the source is not the
 * expected shape.
 */
export function compileFastParse(parse: ParseFn = pegParse as ParseFn): ParseFn {
  const source = parse.toString();
  const head = /^function\s+[\w$]*\s*\(\s*input\s*,\s*options\s*\)\s*\{/.exec(source);
  if (!head || !source.endsWith('}')) throw fail('the parse function no longer has the shape (input, options)');
  let body = source.slice(head[0].length, -1);

  // 1. The bytecode table: nothing but peg$decode("…") calls, pure data, decoded once.
  const marker = /const\s+peg\$bytecode\s*=\s*\[/.exec(body);
  if (!marker || body.indexOf('peg$bytecode = [', marker.index + marker[0].length) >= 0) throw fail('no single `peg$bytecode` table');
  const open = marker.index + marker[0].length - 1;
  const close = closingBracket(body, open);
  if (close < 0) throw fail('the `peg$bytecode` table does not end');
  const table = body.slice(open, close + 1);
  // (Any quote, template literals without substitutions too: the app's bundler reprints
  // string literals.)
  if (!/^\[\s*(peg\$decode\((?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`(?:[^`\\$]|\\.|\$(?!\{))*`)\)\s*,?\s*)*\]$/.test(table))
    throw fail('the `peg$bytecode` table holds more than decoded strings');
  const bytecode = new Function('peg$decode', `return ${table};`)(decode) as number[][];
  body = body.slice(0, open) + 'peg$sharedBytecode' + body.slice(close + 1);

  // 2. The per-call set-up moves into the function returned below; the rest (constants,
  //    actions, helpers, the bytecode interpreter) is built once.
  let removed: string;
  // `undefined` may read `void 0` once bundled.
  [body] = cut(body, /options = options !== (?:undefined|void 0) \? options : \{\};/);
  [body] = cut(body, 'const peg$source = options.grammarSource;');
  [body, removed] = cut(body, /let peg\$startRuleIndex = (\d+);/);
  const defaultRule = /\d+/.exec(removed)![0];
  [body] = cut(body, 'const peg$posDetailsCache = [{ line: 1, column: 1 }];');
  for (const state of [
    'let peg$currPos = 0;',
    'let peg$savedPos = 0;',
    'let peg$maxFailPos = 0;',
    'let peg$maxFailExpected = [];',
    'let peg$silentFails = 0;',
    'let peg$result;',
  ])
    [body] = cut(body, state);
  const ruleAt = body.search(/if \(options\.startRule !== (?:undefined|void 0)\) \{/);
  if (ruleAt < 0) throw fail('no start-rule selection');
  const ruleEnd = closingBrace(body, body.indexOf('{', ruleAt));
  if (ruleEnd < 0) throw fail('the start-rule selection does not end');
  const selectRule = body.slice(ruleAt, ruleEnd + 1);
  body = body.slice(0, ruleAt) + body.slice(ruleEnd + 1);
  [body] = cut(body, /options\.data = \{\};[^\n]*/);
  const tailAt = body.indexOf('peg$result = peg$parseRule(peg$startRuleIndex);');
  if (tailAt < 0 || body.indexOf('peg$result = peg$parseRule(', tailAt + 1) >= 0) throw fail('no single final rule call');
  const tail = body.slice(tailAt);
  body = body.slice(0, tailAt);

  const factory = `
    let input, options, peg$source, peg$startRuleIndex, peg$posDetailsCache, peg$currPos, peg$savedPos, peg$maxFailPos, peg$maxFailExpected, peg$silentFails, peg$result;
    ${body}
    return function peg$parseOnce(input1, options1) {
      input = input1;
      options = options1 !== undefined ? options1 : {};
      peg$source = options.grammarSource;
      peg$startRuleIndex = ${defaultRule};
      peg$posDetailsCache = [{ line: 1, column: 1 }];
      peg$currPos = 0; peg$savedPos = 0; peg$maxFailPos = 0; peg$maxFailExpected = []; peg$silentFails = 0; peg$result = undefined;
      ${selectRule}
      options.data = {};
      ${tail}
    };`;

  // Free names the function uses (the bundler may suffix them: URI2, SyntaxError2 …).
  const names = new Set<string>();
  for (const m of factory.matchAll(/\bnew\s+([A-Za-z_$][\w$]*)|\b([A-Za-z_$][\w$]*)\.buildMessage\b/g)) names.add(m[1] ?? m[2]);
  const params: string[] = [];
  const args: unknown[] = [];
  for (const name of names) {
    const base = name.replace(/\d+$/, '');
    if (base in FREE) {
      params.push(name);
      args.push(FREE[base]);
    } else if (!(name in globalThis)) {
      throw fail(`the parse function uses \`${name}\`, which the fast grammar does not know`);
    }
  }
  const make = new Function('peg$sharedBytecode', ...params, factory) as (...a: unknown[]) => ParseFn;
  const shared = make(bytecode, ...args);
  // The start rules the grammar has: sip.js asks for others (one per unknown header name),
  // and its parse refuses them with a plain Error that `Grammar.parse` turns into -1.
  const rules = /peg\$startRuleIndices\s*=\s*\{([^}]*)\}/.exec(body);
  if (!rules) throw fail('no start-rule table');
  const startRules = new Set([...rules[1].matchAll(/([\w$]+)\s*:/g)].map((m) => m[1]));
  // An action that parsed again while a parse is under way would share the state: such a
  // nested call gets a parser of its own.
  let busy = false;
  const run: ParseFn = (input, options) => {
    if (busy) return make(bytecode, ...args)(input, options);
    busy = true;
    try {
      return shared(input, options);
    } finally {
      busy = false;
    }
  };
  run.startRules = startRules;
  return run;
}

/**
 * `input` as a string of its own. sip.js hands the grammar header values cut out of the whole
 * message text, and V8 keeps such cuts as views into that text: every tag, host and URI part
 * the grammar returns would then keep the whole message alive for as long as it is kept —
 * a dialog keeps its first NOTIFY's tags and Contact, i.e. ~1.5 KB of text per subscription.
 * A copy bounds that to the header itself. (V8 copies strings under 13 characters anyway.)
 * Slicing a concatenation makes V8 flatten it into a new string of its own, as a UTF-8 round
 * trip through a Buffer does, at a twentieth of the cost (one copy per header parsed).
 */
export function detached(input: string): string {
  return input.length < 13 ? input : (' ' + input).slice(1);
}

/** Start rules and inputs sip.js parses, checked against the original before installing. */
const SELF_CHECK: [string, string][] = [
  ['Request_Response', 'NOTIFY sip:alex@10.0.0.1:5060;transport=tcp SIP/2.0'],
  ['Request_Response', 'SIP/2.0 200 OK'],
  ['Via', 'SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bK1;rport=5060;received=127.0.0.1'],
  ['From', '"Kim" <sip:kim@example.com>;tag=abc'],
  ['Contact', '<sip:alex@10.0.0.1:5060;transport=tcp>;expires=600'],
  ['Subscription_State', 'active;expires=3600'],
  ['CSeq', '12 SUBSCRIBE'],
  ['SIP_URI', 'sip:kim@example.com;transport=tcp'],
  ['Via', 'not a via'],
];

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Rules whose values repeat from message to message in a session (the first line of NOTIFYs
 * to us, the server's Contact, Event, Content-Type, CSeq numbers, Subscription-State, the
 * contacts' addresses…): their results are remembered.
 */
const REMEMBERED = new Set([
  'Request_Response',
  'Content_Type',
  'Content_Length',
  'Event',
  'CSeq',
  'Max_Forwards',
  'Contact',
  'Subscription_State',
  'Record_Route',
  'Supported',
  'Require',
  'Min_SE',
  'Session_Expires',
]);
/**
 * Via, From and To repeat too, except for one parameter unique to each message (the branch,
 * the tag) and, in From and To, the user part of the address (one contact after another;
 * contacts' SIP URIs likewise):
 * the value with those replaced by placeholders is remembered, and the message's own values
 * are put where the placeholders are in the result. Only plain tokens are replaced (the
 * grammar reads any such token the same way), and the result is used only when each
 * placeholder is found exactly where expected (a tag once; a user twice, raw and normal);
 * otherwise the value is parsed in full. From and To have the same grammar and share entries.
 */
const TOKEN = "[A-Za-z0-9.!%*_+`'~-]+";
const ONE_VARYING: Record<string, RegExp | null> = {
  SIP_URI: null,
  Via: new RegExp(`;[ \\t]*branch[ \\t]*=[ \\t]*(${TOKEN})[ \\t]*(?=;|$)`, 'gi'),
  From: new RegExp(`;[ \\t]*tag[ \\t]*=[ \\t]*(${TOKEN})[ \\t]*(?=;|$)`, 'gi'),
  To: new RegExp(`;[ \\t]*tag[ \\t]*=[ \\t]*(${TOKEN})[ \\t]*(?=;|$)`, 'gi'),
};
/** Mixed case: a grammar action that changed case would not give it back, and the fast path steps aside. */
const PLACEHOLDER = 'PdVaRyInG7';
const USER_PLACEHOLDER = 'PdUsEr7';
/** The user part of the first SIP URI, when made of characters that need no unescaping. */
const URI_USER = /(sips?:)([A-Za-z0-9._!~*'()+-]+)@/i;
/** A Call-ID made only of these characters is valid, and the grammar's result is the text itself. */
const PLAIN_CALL_ID = new RegExp(`^${TOKEN}(?:@${TOKEN})?$`);
const MEMO_LIMIT = 2000;
const memo = new Map<string, unknown>();

function remember(key: string, value: unknown): void {
  // The oldest entry goes (a Map iterates in insertion order): a 5,000-contact sign-in keeps
  // the entries it is about to hit instead of clearing them all.
  if (memo.size >= MEMO_LIMIT) memo.delete(memo.keys().next().value!);
  memo.set(key, value);
}

/**
 * A deep copy keeping each object's class (URI, NameAddrHeader, Parameters): callers get
 * their own result, as from a fresh parse, and may change it. Throws when the value is
 * deeper than any grammar result (then it is not remembered).
 */
function copy(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > 12) throw new RangeError('deeper than a grammar result');
  if (Array.isArray(value)) return value.map((v) => copy(v, depth + 1));
  const out = Object.create(Object.getPrototypeOf(value) as object) as Record<string, unknown>;
  for (const key of Object.keys(value)) out[key] = copy((value as Record<string, unknown>)[key], depth + 1);
  return out;
}

/** A placeholder, the message's own value for it, and how often it was put back. */
interface Substitution {
  placeholder: string;
  actual: string;
  expected: number;
  found: number;
}

/** `copy`, with each placeholder string replaced by its actual value (counted). */
function copyWith(value: unknown, subs: Substitution[], depth = 0): unknown {
  if (typeof value === 'string') {
    for (const sub of subs) {
      if (value !== sub.placeholder) continue;
      sub.found += 1;
      return sub.actual;
    }
    return value;
  }
  if (value === null || typeof value !== 'object') return value;
  if (depth > 12) throw new RangeError('deeper than a grammar result');
  if (Array.isArray(value)) return value.map((v) => copyWith(v, subs, depth + 1));
  const out = Object.create(Object.getPrototypeOf(value) as object) as Record<string, unknown>;
  for (const key of Object.keys(value)) out[key] = copyWith((value as Record<string, unknown>)[key], subs, depth + 1);
  return out;
}

/**
 * Installs the fast grammar in place of `Grammar.parse` (once; later calls are no-ops).
 * Throws, naming what failed, if sip.js's grammar is not what this was written for.
 */
export function installFastGrammar(): void {
  if (installed && Grammar.parse === installed) return;
  const fast = compileFastParse();
  const fresh: GrammarParse = (input, startRule) => {
    if (!fast.startRules!.has(startRule)) return -1; // as sip.js: no such rule, not valid
    const options: { startRule: string; data?: unknown } = { startRule };
    try {
      fast(input, options);
    } catch (error) {
      if (!(error instanceof PegSyntaxError)) {
        if (!reported) {
          reported = true;
          console.error(`sip.js fast grammar: unexpected ${(error as Error).name} (${(error as Error).message}); using sip.js's own parser for this input.`);
        }
        return originalParse(input, startRule);
      }
      options.data = -1;
    }
    return options.data;
  };
  /** Via/From/To: the remembered result for the value with its branch or tag (and user) replaced. */
  const oneVarying = (input: string, startRule: string, pattern: RegExp | null): unknown => {
    if (input.includes(PLACEHOLDER) || input.includes(USER_PLACEHOLDER)) return fresh(input, startRule);
    let template = input;
    const subs: Substitution[] = [];
    if (pattern) {
      pattern.lastIndex = 0;
      const m = pattern.exec(input);
      if (!m || pattern.exec(input)) return fresh(input, startRule);
      const at = m.index + m[0].indexOf(m[1], m[0].indexOf('=') + 1);
      template = `${input.slice(0, at)}${PLACEHOLDER}${input.slice(at + m[1].length)}`;
      subs.push({ placeholder: PLACEHOLDER, actual: m[1], expected: 1, found: 0 });
    }
    const user = startRule === 'Via' ? null : URI_USER.exec(template);
    if (user) {
      const from = user.index + user[1].length;
      template = `${template.slice(0, from)}${USER_PLACEHOLDER}${template.slice(from + user[2].length)}`;
      subs.push({ placeholder: USER_PLACEHOLDER, actual: user[2], expected: 2, found: 0 });
    }
    const key = `${startRule === 'To' ? 'From' : startRule}\n${template}`;
    let known = memo.get(key);
    if (known === undefined) {
      known = fresh(template, startRule);
      if (known === -1) return fresh(input, startRule);
      try {
        known = copy(known);
      } catch {
        return fresh(input, startRule);
      }
      remember(key, known);
    }
    const result = copyWith(known, subs);
    return subs.every((s) => s.found === s.expected) ? result : fresh(input, startRule);
  };
  const parse: GrammarParse = (text, startRule) => {
    if (startRule === 'Call_ID' && PLAIN_CALL_ID.test(text)) return text;
    // Parsed (and remembered) from a copy: see detached().
    const input = detached(text);
    if (input.length > 512) return fresh(input, startRule);
    const varying = ONE_VARYING[startRule];
    if (varying !== undefined) return oneVarying(input, startRule, varying);
    if (!REMEMBERED.has(startRule)) return fresh(input, startRule);
    const key = `${startRule}\n${input}`;
    const known = memo.get(key);
    if (known !== undefined) return copy(known);
    const result = fresh(input, startRule);
    let kept: unknown;
    try {
      kept = copy(result);
    } catch {
      return result;
    }
    remember(key, kept);
    return result;
  };
  for (const [rule, input] of SELF_CHECK) {
    const expected = originalParse(input, rule);
    const options: { startRule: string; data?: unknown } = { startRule: rule };
    let actual: unknown;
    try {
      fast(input, options);
      actual = options.data;
    } catch (error) {
      if (!(error instanceof PegSyntaxError))
        throw new Error(`sip.js grammar: the fast grammar failed on ${rule} (${(error as Error).message}); not installed.`, { cause: error });
      actual = -1;
    }
    if (!same(actual, expected)) throw new Error(`sip.js grammar: the fast grammar reads ${rule} differently from sip.js; not installed.`);
  }
  // From, To and Contact may hold any absolute URI, which the grammar does not know: a value
  // it refused is read again by absolute-address.ts (still refused unless it holds one).
  const readSipUri = (uri: string) => {
    const read = parse(uri, 'SIP_URI');
    return read instanceof URI ? read : undefined;
  };
  const withAbsoluteUris: GrammarParse = (text, startRule) => {
    const result = parse(text, startRule);
    return result === -1 && ADDRESS_RULES.has(startRule) ? (readAbsoluteAddress(text, startRule, readSipUri) ?? -1) : result;
  };
  Grammar.parse = withAbsoluteUris;
  installed = withAbsoluteUris;
}

/** True when `Grammar.parse` is the fast grammar. */
export function fastGrammarInstalled(): boolean {
  return installed !== undefined && Grammar.parse === installed;
}

/** sip.js's own `Grammar.parse`, for tests and the benchmark's before/after comparison. */
export function originalGrammarParse(input: string, startRule: string): unknown {
  return originalParse(input, startRule);
}

/** Puts sip.js's own parser back (the benchmark measures "before" with it). */
export function uninstallFastGrammar(): void {
  Grammar.parse = originalParse;
  memo.clear();
  installed = undefined;
}
