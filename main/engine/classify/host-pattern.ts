/**
 * Host name patterns. Names are compared lower-case. Kinds:
 *  - suffix: `youtube.com` matches it and every subdomain (`www.youtube.com`), on label boundaries only, so
 *    `notyoutube.com` does not match;
 *  - exact: `=api.example.com` matches that name only;
 *  - wildcard: `*.googlevideo.com`, `r*.example.net` (`*` spans any characters, dots included);
 *  - regex: a small regular expression (OpenAppFilter host/URL fields; `/…/` in our format);
 *  - substring: the name contains the text (OpenAppFilter's plain host field).
 * Suffix and exact patterns are indexed by the rule set (a map lookup per label); the others are tried in order.
 */
import { RuleSyntaxError } from './rule-error';

export type HostKind = 'suffix' | 'exact' | 'wildcard' | 'regex' | 'substring';

export interface HostPattern {
  readonly kind: HostKind;
  /** The domain for suffix/exact (the index key), else the pattern as written. */
  readonly key: string;
  test(name: string): boolean;
}

/** Patterns longer than this are refused: a rule file is user input and regexes run on every new name. */
const MAX_PATTERN = 256;
const REGEX_CHARS = /[\\^$()[\]{}+?]/;

export function suffixMatches(name: string, domain: string): boolean {
  return name === domain || (name.length > domain.length && name.endsWith(domain) && name.charCodeAt(name.length - domain.length - 1) === 0x2e);
}

function regex(source: string, where: string): RegExp {
  try {
    return new RegExp(source, 'i');
  } catch (e) {
    throw new RuleSyntaxError(`bad regular expression "${source}": ${(e as Error).message}`, where);
  }
}

function make(kind: HostKind, key: string, test: (name: string) => boolean): HostPattern {
  return { kind, key, test };
}

/** A pattern of our own format and the five-field form: suffix by default, `*` wildcards, `=` exact, `/re/`. */
export function parseDomainPattern(text: string, where: string): HostPattern {
  const t = text.trim().toLowerCase();
  if (t === '' || t.length > MAX_PATTERN) throw new RuleSyntaxError(`bad host pattern "${text}"`, where);
  if (t.length > 2 && t.startsWith('/') && t.endsWith('/')) {
    const re = regex(text.trim().slice(1, -1), where);
    return make('regex', t, (n) => re.test(n));
  }
  if (t.startsWith('=')) {
    const key = t.slice(1);
    return make('exact', key, (n) => n === key);
  }
  // "*.example.com" is the suffix rule minus the bare domain; keep it a wildcard so it stays that strict.
  if (t.includes('*')) {
    const re = new RegExp('^' + t.split('*').map(escape).join('.*') + '$');
    return make('wildcard', t, (n) => re.test(n));
  }
  if (t.startsWith('.')) return make('suffix', t.slice(1), (n) => suffixMatches(n, t.slice(1)));
  return make('suffix', t, (n) => suffixMatches(n, t));
}

/** OpenAppFilter's host_url / request_url: a small regex when it uses regex syntax, else a substring. */
export function parseOafPattern(text: string, where: string): HostPattern {
  const t = text.trim();
  if (t === '' || t.length > MAX_PATTERN) throw new RuleSyntaxError(`bad host/URL pattern "${text}"`, where);
  if (REGEX_CHARS.test(t) || t.includes('*')) {
    const re = regex(t, where);
    return make('regex', t, (n) => re.test(n));
  }
  const lower = t.toLowerCase();
  return make('substring', lower, (n) => n.includes(lower));
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
