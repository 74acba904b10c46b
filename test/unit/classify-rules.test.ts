import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseRules } from '../../main/engine/classify/parse-rules';
import { parsePorts } from '../../main/engine/classify/ports';
import { parsePayload } from '../../main/engine/classify/payload-condition';
import { RuleSet } from '../../main/engine/classify/rule-set';
import { RuleSyntaxError } from '../../main/engine/classify/rule-error';
import { defaultRulesPath, loadRules } from '../../main/engine/classify/load-rules';

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);

function set(text: string, file = 'test.rules'): RuleSet {
  const p = parseRules(text, file);
  const s = new RuleSet();
  s.addTier(p.rules, p.apps);
  return s;
}

function errorOf(text: string): RuleSyntaxError {
  try {
    parseRules(text, 'bad.feature');
  } catch (e) {
    if (e instanceof RuleSyntaxError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('port conditions', () => {
  it('single, range, alternatives and negation', () => {
    const p = parsePorts('80|8000-8080|!8008', 'x:1')!;
    expect([80, 8000, 8080, 8008, 81].map((n) => p.test(n))).toEqual([true, true, true, false, false]);
    const n = parsePorts('!53', 'x:1')!;
    expect([n.test(53), n.test(54)]).toEqual([false, true]);
    expect(parsePorts('', 'x:1')).toBeNull();
    expect(parsePorts('443|80', 'x:1')!.exact).toEqual([443, 80]);
  });
  it('refuses bad ports', () => {
    expect(() => parsePorts('70000', 'x:3')).toThrow(/x:3: bad port range/);
    expect(() => parsePorts('9-1', 'x:3')).toThrow(RuleSyntaxError);
    expect(() => parsePorts('http', 'x:3')).toThrow(/bad port "http"/);
  });
});

describe('payload conditions', () => {
  it('AND of offset:hexbyte, negative offsets from the end', () => {
    const c = parsePayload('0:16|1:03|-1:ff', 'x:1')!;
    expect(c.test(bytes(0x16, 0x03, 0x01, 0xff), 0, 4)).toBe(true);
    expect(c.test(bytes(0x16, 0x03, 0x01, 0xfe), 0, 4)).toBe(false);
    expect(c.test(bytes(0x16, 0x04, 0x01, 0xff), 0, 4)).toBe(false);
    // Offsets are relative to the payload's start and end, not the buffer's.
    expect(c.test(bytes(9, 9, 0x16, 0x03, 0xff, 9), 2, 5)).toBe(true);
    expect(c.test(bytes(0x16), 0, 1)).toBe(false);
  });
  it('refuses bad conditions', () => {
    expect(() => parsePayload('0=16', 'x:2')).toThrow(/x:2: bad payload condition/);
    expect(() => parsePayload('0:1g', 'x:2')).toThrow(RuleSyntaxError);
  });
});

describe('five-field feature form', () => {
  const text = [
    '# a comment line',
    'myssh:[tcp;;;;0:53|1:53|2:48, tcp;;2222;;]   # trailing comment',
    'mysite:[;;;example.org;]',
    'wild:[;;;*.cdn.example.net;]',
    'tail:[udp;;;;-1:0a|-2:0d]',
  ].join('\n');
  it('parses alternatives, comments and both payload forms', () => {
    const p = parseRules(text, 'f.feature');
    expect(p.rules.map((r) => [r.app, r.source])).toEqual([
      ['myssh', 'f.feature:2'],
      ['myssh', 'f.feature:2'],
      ['mysite', 'f.feature:3'],
      ['wild', 'f.feature:4'],
      ['tail', 'f.feature:5'],
    ]);
  });
  it('matches names by suffix and wildcard, payloads by bytes, ports', () => {
    const s = set(text, 'f.feature');
    const q = (name: string) => s.matchName({ name, url: '', proto: 6, sport: 5000, dport: 443 })?.app ?? null;
    expect(q('example.org')).toBe('mysite');
    expect(q('www.example.org')).toBe('mysite');
    expect(q('notexample.org')).toBeNull();
    expect(q('a.cdn.example.net')).toBe('wild');
    expect(q('cdn.example.net')).toBeNull();
    const ssh = new TextEncoder().encode('SSH-2.0-x\r\n');
    expect(s.matchPayload(6, 40000, 9999, ssh, 0, ssh.length, '')?.app).toBe('myssh');
    expect(s.matchPayload(17, 1, 2, ssh, 0, ssh.length, '')?.app).toBe('tail');
    expect(s.matchPort(6, 40000, 2222)?.app).toBe('myssh');
    expect(s.matchPort(6, 40000, 2223)).toBeNull();
  });
  it('reports malformed lines with file and line number', () => {
    expect(errorOf('ok:[tcp;;80;;]\nbroken:[tcp;;80;]').message).toBe('bad.feature:2: five-field rule needs proto;sport;dport;host;payload, got 4 fields');
    expect(errorOf('\n\nx:[icmp;;;;0:01]').where).toBe('bad.feature:3');
    expect(errorOf('x:[tcp;;abc;;]').message).toMatch(/^bad\.feature:1: bad port "abc"/);
    expect(errorOf('x:[;;;;]').message).toMatch(/matches everything/);
    expect(errorOf('what is this').message).toMatch(/^bad\.feature:1: cannot read/);
  });
});

describe("OpenAppFilter v3 form", () => {
  const text = [
    '#class 8 video',
    '8001 tubeapp:[tcp;;443|80;tube\\.example\\.(com|net);;;;, tcp;;8000-8100;;/watch;;;]',
    '8002 signed:[udp;!53;;;;0:ab|1:cd;HELLO;]',
    '8003 skipped:[tcp;;1234;;;;;1]',
    '#class 9 chat',
    '9001 chatapp:[tcp;;;chat.example;;;;0]',
  ].join('\n');
  it('parses ids, classes as categories, ignore', () => {
    const p = parseRules(text, 'oaf.cfg');
    expect(p.apps.get('tubeapp')).toBe('video');
    expect(p.apps.get('chatapp')).toBe('chat');
    expect(p.rules.map((r) => r.app)).toEqual(['tubeapp', 'tubeapp', 'signed', 'chatapp']);
  });
  it('host/URL regexes, substrings, port ranges, negation, dict and search_str', () => {
    const s = set(text, 'oaf.cfg');
    const name = (n: string, dport = 443, url = '') => s.matchName({ name: n, url, proto: 6, sport: 50000, dport })?.app ?? null;
    expect(name('cdn.tube.example.net')).toBe('tubeapp');
    expect(name('tube.example.org')).toBeNull();
    expect(name('tube.example.com', 22)).toBeNull();
    expect(name('anything', 8050, '/watch?v=1')).toBe('tubeapp');
    expect(name('anything', 8050, '/other')).toBeNull();
    expect(name('mychat.example.org', 5222)).toBe('chatapp');
    expect(s.categoryOf('chatapp')).toBe('chat');
    const pkt = Uint8Array.from([0xab, 0xcd, ...new TextEncoder().encode('..HELLO..')]);
    expect(s.matchPayload(17, 4000, 9000, pkt, 0, pkt.length, '')?.app).toBe('signed');
    expect(s.matchPayload(17, 53, 9000, pkt, 0, pkt.length, '')).toBeNull();
    expect(s.matchPayload(17, 4000, 9000, pkt, 0, 5, '')).toBeNull();
    expect(s.matchPort(6, 40000, 1234)).toBeNull();
  });
  it('reports malformed lines with line numbers', () => {
    expect(errorOf('#class 1 x\n1001 a:[tcp;;;(;;;;]').message).toMatch(/^bad\.feature:2: bad regular expression/);
    expect(errorOf('1001 a:[tcp;;;x;;;;2]').message).toBe('bad.feature:1: ignore must be 0 or 1, got "2"');
    expect(errorOf('# c\n1001 a:[tcp;;;;;;;;;]').message).toMatch(/^bad\.feature:2: OpenAppFilter rule needs 3 to 8 fields/);
  });
});

describe('the default rules file', () => {
  const parsed = parseRules(fs.readFileSync(defaultRulesPath(), 'utf8'), 'default.rules');
  it('covers at least 150 applications, each with a category', () => {
    expect(parsed.apps.size).toBeGreaterThanOrEqual(150);
    for (const [app, cat] of parsed.apps) expect(cat, app).not.toBe('');
  });
  it('names well-known services by suffix, longest suffix first', () => {
    const s = loadRules({ userFiles: [] });
    const q = (name: string) => s.matchName({ name, url: '', proto: 6, sport: 50000, dport: 443 })?.app;
    expect(q('r3---sn-abc.googlevideo.com')).toBe('YouTube');
    expect(q('music.youtube.com')).toBe('YouTube Music');
    expect(q('static.xx.fbcdn.net')).toBe('Facebook');
    expect(q('app.slack.com')).toBe('Slack');
  });
});

describe('user rule files', () => {
  it('come before the default file and replace its rules for the apps they name', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wl-rules-'));
    const file = path.join(dir, 'mine.feature');
    fs.writeFileSync(file, 'YouTube:[;;;=www.youtube.com;]\nIntranet:[;;;corp.example;]\n');
    const s = loadRules({ userFiles: [file] });
    const q = (name: string) => s.matchName({ name, url: '', proto: 6, sport: 50000, dport: 443 });
    expect(q('intra.corp.example')?.app).toBe('Intranet');
    // The user's YouTube rule replaced the default ones: only the exact name is YouTube now.
    expect(q('www.youtube.com')?.source).toBe('mine.feature:1');
    expect(q('www.youtube.com')?.category).toBe('Video');
    expect(q('googlevideo.com')).toBeNull();
    fs.rmSync(dir, { recursive: true });
  });
});
