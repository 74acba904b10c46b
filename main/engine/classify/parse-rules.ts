/**
 * Reads rule files. Three line forms, recognised per line, so a user file may be written in any of them:
 *
 *  - five-field feature form: `app:[proto;sport;dport;host;payload, …]` — host is a domain pattern (suffix,
 *    `*` wildcard, `=exact`, `/regex/`), payload is `offset:hexbyte|…` (all must hold; negative offsets count
 *    from the end);
 *  - OpenAppFilter v3: `ID NAME:[proto;sport;dport;host_url;request_url;dict;search_str;ignore, …]` — ports take
 *    ranges `a-b`, alternatives `a|b` and negation `!n`; host_url/request_url are small regexes (plain text:
 *    substring); dict is the payload condition list; search_str bytes the payload must contain; ignore=1
 *    keeps the alternative out of matching;
 *  - ours: `[Category]` section headers, then `App Name: token token …` where a token is a domain pattern,
 *    `tcp/PORTS` / `udp/PORTS` (a port rule), or a bracketed five-field alternative `[proto;sport;dport;host;payload]`.
 *
 * `#` starts a comment. `#class N name` gives the category of the following feature lines (and of OpenAppFilter
 * ids N000–N999). A malformed line throws RuleSyntaxError naming file and line.
 */
import { parseDomainPattern, parseOafPattern } from './host-pattern';
import { parsePayload } from './payload-condition';
import { parsePorts } from './ports';
import { PROTO_ANY, protoNumber, type RuleSpec } from './rule';
import { RuleSyntaxError } from './rule-error';
import { splitAlternatives } from './alternatives';

export interface ParsedRules {
  readonly rules: RuleSpec[];
  /** Category of each app named in the file, where the file says it ('' when it does not). */
  readonly apps: Map<string, string>;
}

const OAF_LINE = /^(\d+)\s+([^:[\]]+?)\s*:\s*(\[.*\])\s*$/;
const FEATURE_LINE = /^([^:[\]#]+?)\s*:\s*(\[.*\])\s*$/;
const SECTION = /^\[([^\]]+)\]$/;
const NATIVE_LINE = /^([^:[\]]+?)\s*:\s*(.+)$/;

const fail = (msg: string, where: string): never => {
  throw new RuleSyntaxError(msg, where);
};

export function parseRules(text: string, file: string): ParsedRules {
  const rules: RuleSpec[] = [];
  const apps = new Map<string, string>();
  const classes = new Map<number, string>();
  let category = '';
  let section = '';
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const where = `${file}:${n + 1}`;
    const raw = lines[n]!;
    const cls = /^\s*#\s*class\s+(\d+)\s+(.+?)\s*$/i.exec(raw);
    if (cls !== null) {
      category = cls[2]!;
      classes.set(Number(cls[1]), category);
      continue;
    }
    const line = stripComment(raw).trim();
    if (line === '') continue;
    let m: RegExpExecArray | null;
    if ((m = OAF_LINE.exec(line)) !== null) {
      const id = Number(m[1]);
      const app = m[2]!.trim();
      const cat = classes.get(Math.floor(id / 1000)) ?? category;
      noteApp(apps, app, cat);
      for (const f of splitAlternatives(m[3]!, where)) {
        const spec = oafAlternative(app, cat, f, where);
        if (spec !== null) rules.push(spec);
      }
    } else if ((m = SECTION.exec(line)) !== null) {
      section = m[1]!.trim();
    } else if ((m = FEATURE_LINE.exec(line)) !== null && !/\]\s+\[/.test(m[2]!)) {
      const app = m[1]!.trim();
      const cat = section || category;
      noteApp(apps, app, cat);
      for (const f of splitAlternatives(m[2]!, where)) rules.push(featureAlternative(app, cat, f, where));
    } else if ((m = NATIVE_LINE.exec(line)) !== null && section !== '') {
      const app = m[1]!.trim();
      noteApp(apps, app, section);
      for (const token of tokens(m[2]!, where)) rules.push(nativeToken(app, section, token, where));
    } else {
      fail(section === '' && NATIVE_LINE.test(line) ? 'app line before any [Category] section' : `cannot read "${line}"`, where);
    }
  }
  return { rules, apps };
}

function noteApp(apps: Map<string, string>, app: string, category: string): void {
  if (!apps.has(app) || (apps.get(app) === '' && category !== '')) apps.set(app, category);
}

/** `#` starts a comment unless it sits inside brackets (a regex or search string may hold one). */
function stripComment(line: string): string {
  let depth = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '[') depth++;
    else if (c === ']') depth = Math.max(0, depth - 1);
    else if (c === '#' && depth === 0) return line.slice(0, i);
  }
  return line;
}

/** Whitespace-separated tokens; a bracketed token may not hold spaces, so this split is enough. */
function tokens(text: string, where: string): string[] {
  const out = text.split(/\s+/).filter((t) => t !== '');
  if (out.length === 0) fail('app line without rules', where);
  return out;
}

function featureAlternative(app: string, category: string, f: string[], where: string): RuleSpec {
  if (f.length !== 5) fail(`five-field rule needs proto;sport;dport;host;payload, got ${f.length} fields`, where);
  const [proto, sport, dport, host, payload] = f as [string, string, string, string, string];
  const spec: RuleSpec = {
    app,
    category,
    source: where,
    text: `[${f.join(';')}]`,
    proto: protoNumber(proto, where, fail),
    sport: parsePorts(sport, where),
    dport: parsePorts(dport, where),
    host: host === '' ? null : parseDomainPattern(host, where),
    url: null,
    payload: parsePayload(payload, where),
    search: null,
  };
  if (spec.proto === PROTO_ANY && !spec.sport && !spec.dport && !spec.host && !spec.payload) fail('rule with no condition matches everything', where);
  return spec;
}

function oafAlternative(app: string, category: string, f: string[], where: string): RuleSpec | null {
  if (f.length < 3 || f.length > 8) fail(`OpenAppFilter rule needs 3 to 8 fields (proto;sport;dport;host_url;request_url;dict;search_str;ignore), got ${f.length}`, where);
  const [proto, sport, dport, host = '', url = '', dict = '', search = '', ignore = ''] = f;
  if (ignore !== '' && ignore !== '0' && ignore !== '1') fail(`ignore must be 0 or 1, got "${ignore}"`, where);
  const spec: RuleSpec = {
    app,
    category,
    source: where,
    text: `[${f.join(';')}]`,
    proto: protoNumber(proto!, where, fail),
    sport: parsePorts(sport!, where),
    dport: parsePorts(dport!, where),
    host: host === '' ? null : parseOafPattern(host, where),
    url: url === '' ? null : parseOafPattern(url, where),
    payload: parsePayload(dict, where),
    search: search === '' ? null : new TextEncoder().encode(search),
  };
  if (spec.proto === PROTO_ANY && !spec.sport && !spec.dport && !spec.host && !spec.url && !spec.payload && !spec.search) {
    fail('rule with no condition matches everything', where);
  }
  return ignore === '1' ? null : spec;
}

function nativeToken(app: string, category: string, token: string, where: string): RuleSpec {
  if (token.startsWith('[')) return featureAlternative(app, category, splitAlternatives(token, where)[0] ?? [], where);
  const port = /^(tcp|udp)\/(.+)$/i.exec(token);
  const base = { app, category, source: where, text: token, host: null, url: null, payload: null, search: null, sport: null };
  if (port !== null) return { ...base, proto: protoNumber(port[1]!, where, fail), dport: parsePorts(port[2]!, where) };
  if (!/[a-z*]/i.test(token) || !/[.*/=]/.test(token)) fail(`"${token}" is neither a domain pattern nor tcp/PORTS, udp/PORTS or [five-field]`, where);
  return { ...base, proto: PROTO_ANY, dport: null, host: parseDomainPattern(token, where) };
}
