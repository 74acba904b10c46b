import { describe, expect, it } from 'vitest';
import * as path from 'node:path';
import { CaptureIndex } from '../../main/engine/capture/capture-index';
import { openCapture } from '../../main/engine/readers/open';
import { SessionEnrichment, EV_DNS, EV_NAME, EV_PAYLOAD, EV_PORT } from '../../main/engine/sessions/session-enrichment';
import { loadRules } from '../../main/engine/classify/load-rules';

const dir = path.join(__dirname, '../fixtures/captures');
const rules = loadRules({ userFiles: [] });

function classify(name: string): { e: SessionEnrichment; index: CaptureIndex } {
  const reader = openCapture(path.join(dir, name));
  const e = new SessionEnrichment({ rules });
  const index = new CaptureIndex(reader, { noStore: true, enrich: e });
  index.runToEnd();
  reader.close();
  return { e, index };
}

/** name → app for every session that carried a name. */
function appsByName(name: string): Map<string, string> {
  const { e, index } = classify(name);
  const out = new Map<string, string>();
  for (let s = 0; s < index.sessions.count; s++) if (e.name(s) !== '') out.set(e.name(s), e.app(s));
  return out;
}

describe('classification of clients recorded on loopback (classify-loopback-clients.pcap)', () => {
  // Recorded by us: curl and openssl s_client against openssl s_server, dig against a tiny DNS responder
  // answering 127.0.0.2, curl to that address, curl with a Host header, an SSH banner on port 2222.
  const { e, index } = classify('classify-loopback-clients.pcap');
  const byPort = (port: number) => {
    for (let s = 0; s < index.sessions.count; s++) if (index.sessions.portB[s] === port) return s;
    throw new Error(`no session to port ${port}`);
  };
  it('TLS SNI from curl --resolve www.youtube.com and s_client -servername api.netflix.com', () => {
    const apps = [];
    for (let s = 0; s < index.sessions.count; s++) if (index.sessions.portB[s] === 8443) apps.push([e.app(s), e.category(s), e.name(s), e.evidence(s)]);
    expect(apps).toEqual([
      ['YouTube', 'Video', 'www.youtube.com', EV_NAME],
      ['Netflix', 'Video', 'api.netflix.com', EV_NAME],
    ]);
    expect(e.why(byPort(8443))).toMatch(/^tls\.sni "www\.youtube\.com" matched youtube\.com \(default\.rules:\d+\)$/);
  });
  it('a DNS answer names the later flow to the answered address', () => {
    const s = byPort(8081);
    expect([e.app(s), e.name(s), e.evidence(s)]).toEqual(['Spotify', 'www.spotify.com', EV_DNS]);
    expect(e.why(s)).toMatch(/^DNS answer in frame \d+ named 127\.0\.0\.2 "www\.spotify\.com"/);
  });
  it('HTTP Host, a payload signature on an unusual port, a port rule', () => {
    expect([e.app(byPort(8082)), e.name(byPort(8082)), e.evidence(byPort(8082))]).toEqual(['Wikipedia', 'en.wikipedia.org', EV_NAME]);
    expect([e.app(byPort(2222)), e.evidence(byPort(2222))]).toEqual(['SSH', EV_PAYLOAD]);
    expect([e.app(byPort(53)), e.evidence(byPort(53))]).toEqual(['DNS', EV_PORT]);
  });
  it('the rule that matched is reported', () => {
    expect(e.ruleOf(byPort(2222))?.text).toBe('[tcp;;;;0:53|1:53|2:48|3:2d]');
  });
});

describe('shared fixtures whose names are well-known apps', () => {
  it('TLS ClientHellos (84 SNIs)', () => {
    const m = appsByName('tls-84-clienthellos-sni__foxio-ja4__tls-sni.pcapng');
    expect(m.get('www.facebook.com')).toBe('Facebook');
    expect(m.get('static.xx.fbcdn.net')).toBe('Facebook');
    expect(m.get('edge-chat.facebook.com')).toBe('Facebook Messenger');
    expect(m.get('is2-ssl.mzstatic.com')).toBe('Apple');
    expect(m.get('lastpass.com')).toBe('LastPass');
    expect(m.get('login.live.com')).toBe('Outlook');
    expect(m.get('www.google.com')).toBe('Google');
  });
  it('QUIC Initial SNIs', () => {
    expect(appsByName('quic-v1-curl-http3__zeek__curl-8.1.2-dev-http3-www-google-de.pcap').get('www.google.de')).toBe('Google');
    expect(appsByName('quic-v1-crypto-split-initials__zeek__quic-multiple-initial-fragmented-crypto.pcap').get('googleads.g.doubleclick.net')).toBe('Google Ads');
    expect(appsByName('quic-v1-chromium-sni__zeek__chromium-115.0.5790.110-api-cirrus-com.pcap').get('api.cirrus-ci.com')).toBe('Cirrus CI');
  });
  it('mixed traffic: SNI and DNS-learned names', () => {
    const m = appsByName('mixed-dns-tls-http-icmp__foxio-ja4__latest.pcapng');
    expect(m.get('app.slack.com')).toBe('Slack');
    expect(m.get('data-edge.smartscreen.microsoft.com')).toBe('Microsoft SmartScreen');
    expect(m.get('apps.identrust.com')).toBe('IdenTrust');
    expect(appsByName('mixed-real-traffic__zui__sample.pcapng').get('news.ycombinator.com')).toBe('Hacker News');
  });
  it('HTTP Host headers', () => {
    const m = appsByName('http1-many-requests__foxio-ja4__http1.pcapng');
    expect(m.get('connectivitycheck.gstatic.com')).toBe('Android');
    expect(m.get('resources-cdn.plexapp.com')).toBe('Plex');
    expect(m.get('www.sony.net')).toBe('Sony');
  });
  it('lists names no rule knows', () => {
    const { e } = classify('quic-v2-sll__ndpi__quic-v2.pcapng');
    expect(e.unknownNameList().map(([n]) => n)).toContain('test');
  });
});

import { APP_FILTER_FIELDS } from '../../main/engine/classify/filter-fields';
import { GeoResolver } from '../../main/engine/geo/geo-resolver';
import type { RtValue } from '../../main/engine/filter/values';

describe('filter field providers (app, app.category, geo.country, geo.asn)', () => {
  it('answer per packet from its session and endpoints', () => {
    const reader = openCapture(path.join(dir, 'classify-loopback-clients.pcap'));
    const e = new SessionEnrichment({ rules, geo: new GeoResolver({}) });
    const index = new CaptureIndex(reader, { enrich: e });
    index.runToEnd();
    const values = (field: string, i: number): RtValue[] => {
      const out: RtValue[] = [];
      APP_FILTER_FIELDS.get(field)!.provider.values(index, i, out);
      return out;
    };
    const first = index.store.session.indexOf(0);
    expect(values('app', first)).toEqual(['YouTube']);
    expect(values('app.category', first)).toEqual(['Video']);
    expect(values('geo.country', first)).toEqual(['loopback', 'loopback']);
    expect(values('geo.asn', first)).toEqual([]);
    reader.close();
  });
});
