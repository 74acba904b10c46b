/**
 * PCRE2 patterns (what Wireshark's `matches` takes) translated to JavaScript RegExps. Wireshark 4 matches
 * case-insensitively by default; a leading `(?-i)` makes it case-sensitive and `(?i)`, `(?s)`, `(?m)` set
 * flags. The common PCRE-only spellings are rewritten (`\A`, `\z`, `\Z`, `(?P<name>…)`, `\x{…}`); anything
 * JavaScript still rejects is reported with the engine's message.
 */

export type RegexResult = { readonly re: RegExp } | { readonly error: string };

export function translateRegex(pattern: string): RegexResult {
  const flags = new Set(['i']);
  let body = pattern;
  const lead = /^\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?\)/.exec(body);
  if (lead) {
    for (const f of lead[1] ?? '') {
      if (!'ims'.includes(f)) return { error: `the inline option (?${f}) is not supported (use i, m or s)` };
      flags.add(f);
    }
    for (const f of lead[2] ?? '') {
      if (!'ims'.includes(f)) return { error: `the inline option (?-${f}) is not supported (use i, m or s)` };
      flags.delete(f);
    }
    body = body.slice(lead[0].length);
  }
  let out = '';
  let unicode = false;
  let inClass = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c === '\\') {
      const n = body[i + 1];
      if (n === undefined) return { error: 'the pattern ends with a lone backslash' };
      if (!inClass && n === 'A') out += '(?<![\\s\\S])';
      else if (!inClass && n === 'z') out += '(?![\\s\\S])';
      else if (!inClass && n === 'Z') out += '(?=\\n?(?![\\s\\S]))';
      else if (n === 'x' && body[i + 2] === '{') {
        const close = body.indexOf('}', i);
        if (close < 0) return { error: 'unterminated \\x{…}' };
        out += `\\u{${body.slice(i + 3, close)}}`;
        unicode = true;
        i = close;
        continue;
      } else {
        if (n === 'p' || n === 'P') unicode = true;
        out += c + n;
      }
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (body[i + 1] === '^') out += body[++i];
      if (body[i + 1] === ']') out += '\\' + body[++i]; // "[]abc]": PCRE takes a leading ] literally
      continue;
    }
    if (body.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
      continue;
    }
    if (body.startsWith('(?P=', i)) {
      const close = body.indexOf(')', i);
      if (close < 0) return { error: 'unterminated (?P=name)' };
      out += `\\k<${body.slice(i + 4, close)}>`;
      i = close;
      continue;
    }
    if (c === '(' && /^\(\?[a-zA-Z-]+[):]/.test(body.slice(i)) && !body.startsWith('(?<', i)) {
      return { error: 'inline options are only supported at the start of the pattern' };
    }
    out += c;
  }
  if (unicode) flags.add('u');
  try {
    return { re: new RegExp(out, [...flags].sort().join('')) };
  } catch (err) {
    return { error: (err as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, '') };
  }
}
