/**
 * HTTP/1.x framing and decoding on crafted messages: messageLength for Content-Length, chunked, bodiless
 * statuses, incomplete headers and until-close responses; pipelined requests in one segment; 100-continue;
 * the request-line heuristic on another port; request/response matching through the engine-owned state.
 */
import { describe, expect, it } from 'vitest';
import { dissectFrame } from '../../main/engine/dissect/frame';
import { Dissection, MODE_INDEX, MODE_SUMMARY, MODE_TREE } from '../../main/engine/dissect/dissection';
import { httpMessageLength } from '../../main/engine/dissect/protocols/http';
import { createAppState } from '../../main/engine/dissect/protocols/dns-transactions';
import type { TreeNode } from '../../main/engine/dissect/tree';
import { concat, ether, ipv4, u16, u32 } from './helpers/pcap-lite';

const enc = (s: string): Uint8Array => Uint8Array.from(Array.from(s, (c) => c.charCodeAt(0)));

function tcp(sport: number, dport: number, data: Uint8Array, seq = 1, ack = 1): Uint8Array {
  return concat(u16(sport), u16(dport), u32(seq), u32(ack), [0x50, 0x18], u16(65535), [0, 0, 0, 0], data);
}

function frame(sport: number, dport: number, text: string): Uint8Array {
  return ether(0x0800, ipv4(6, tcp(sport, dport, enc(text))));
}

function run(f: Uint8Array, mode: number, number = 1, d = new Dissection()): Dissection {
  d.reset(f, mode);
  d.frame.number = number;
  d.frame.caplen = f.length;
  d.frame.len = f.length;
  d.frame.linkType = 1;
  dissectFrame(d);
  return d;
}

function values(d: Dissection, name: string): string[] {
  const out: string[] = [];
  const walk = (nodes: TreeNode[] | null): void => {
    for (const n of nodes ?? []) {
      if (n.field.name === name) out.push(String(n.value));
      walk(n.children);
    }
  };
  walk(d.tree);
  return out;
}

const len = (s: string): number => {
  const b = enc(s);
  return httpMessageLength(b, 0, b.length);
};

describe('HTTP messageLength', () => {
  it('frames by Content-Length, chunking and status', () => {
    expect(len('GET / HTTP/1.1\r\nHost: a\r\n\r\n')).toBe(27);
    expect(len('GET / HTTP/1.1\r\nHost: a\r\n')).toBe(0); // header block not complete yet
    expect(len('POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nab')).toBe(43); // whole length, bytes still missing
    expect(len('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhiGET')).toBe(40);
    const chunked = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5;x=y\r\npedia\r\n0\r\n\r\n';
    expect(len(chunked)).toBe(chunked.length);
    expect(len(chunked.slice(0, -5))).toBe(0); // last chunk not there yet
    const notModified = 'HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n';
    expect(len(notModified + 'HTTP/1.1')).toBe(notModified.length);
    expect(len('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n')).toBe(25);
    // No length, not chunked: runs until the connection closes; everything present belongs to it.
    expect(len('HTTP/1.0 200 OK\r\n\r\n<html>')).toBe(25);
    expect(len('\x16\x03\x01\x00')).toBe(-1);
    expect(len('GE')).toBe(0);
  });
});

describe('HTTP decoding', () => {
  it('decodes a request with tshark-style Info and fields', () => {
    const d = run(frame(40000, 80, 'GET /index.html?q=1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: curl/8\r\nCookie: a=b\r\n\r\n'), MODE_TREE);
    expect(d.protocolName()).toBe('HTTP');
    expect(d.info).toBe('GET /index.html?q=1 HTTP/1.1 ');
    expect(values(d, 'http.request.method')).toEqual(['GET']);
    expect(values(d, 'http.request.uri')).toEqual(['/index.html?q=1']);
    expect(values(d, 'http.request.version')).toEqual(['HTTP/1.1']);
    expect(values(d, 'http.host')).toEqual(['example.com']);
    expect(values(d, 'http.user_agent')).toEqual(['curl/8']);
    expect(values(d, 'http.cookie')).toEqual(['a=b']);
    expect(values(d, 'http.request')).toEqual(['true']);
    expect(values(d, 'http.request.line')).toHaveLength(3);
    expect(values(d, 'http.request.full_uri')).toEqual(['http://example.com/index.html?q=1']);
  });

  it('adds the media type, XML/JSON protocol names and image descriptions', () => {
    const html = run(frame(80, 40000, 'HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 4\r\n\r\n<p/>'), MODE_TREE);
    expect(html.info).toBe('HTTP/1.1 200 OK  (text/html)');
    expect(values(html, 'http.content_type')).toEqual(['text/html; charset=utf-8']);
    expect(values(html, 'http.content_length')).toEqual(['4']);
    expect(values(html, 'http.content_length_header')).toEqual(['4']);
    const xml = run(frame(80, 40000, 'HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 4\r\n\r\n<a/>'), MODE_INDEX);
    expect(xml.protocolName()).toBe('HTTP/XML');
    const gif = run(frame(80, 40000, 'HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 6\r\n\r\nGIF89a'), MODE_SUMMARY);
    expect(gif.info).toBe('HTTP/1.1 200 OK  (GIF89a)');
    const empty = run(frame(80, 40000, 'HTTP/1.1 204 No Content\r\nContent-Type: text/html\r\n\r\n'), MODE_SUMMARY);
    expect(empty.info).toBe('HTTP/1.1 204 No Content ');
  });

  it('decodes pipelined requests in one segment, appending their Info like tshark', () => {
    const two = 'GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n';
    const d = run(frame(40000, 8080, two), MODE_TREE);
    expect(d.info).toBe('GET /a HTTP/1.1 GET /b HTTP/1.1 ');
    expect(values(d, 'http.request.uri')).toEqual(['/a', '/b']);
  });

  it('recognises HTTP on other ports by its request line', () => {
    const d = run(frame(40000, 5000, 'OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n'), MODE_SUMMARY);
    expect(d.protocolName()).toBe('HTTP');
    expect(d.info).toBe('OPTIONS * HTTP/1.1 ');
    expect(run(frame(40000, 5000, 'hello world\r\n\r\n'), MODE_SUMMARY).protocolName()).toBe('TCP');
  });

  it('marks a response that runs until the connection closes as incomplete', () => {
    const d = run(frame(80, 40000, 'HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<html>'), MODE_TREE);
    expect(d.info).toBe('HTTP/1.0 200 OK  (text/html)');
    expect(values(d, 'http.body_length')).toEqual(['6']);
    expect(d.problems).toEqual([]); // until-close is complete as far as the bytes go
  });

  it('matches responses to requests in order, skipping 100 Continue', () => {
    const state = createAppState();
    const hooks = { onTransport: (x: Dissection): void => void (x.sessionId = 3) };
    const frames = [
      frame(40000, 80, 'POST /up HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nab'),
      frame(80, 40000, 'HTTP/1.1 100 Continue\r\n\r\n'),
      frame(40000, 80, 'GET /b HTTP/1.1\r\nHost: h\r\n\r\n'),
      frame(80, 40000, 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n'),
    ];
    const idx = new Dissection();
    idx.hooks = hooks;
    idx.appState = state;
    frames.forEach((f, i) => {
      idx.frame.tsSec = 10 + i;
      run(f, MODE_INDEX, i + 1, idx);
    });
    const view = new Dissection();
    view.hooks = hooks;
    view.appState = state;
    expect(values(run(frames[0] as Uint8Array, MODE_TREE, 1, view), 'http.response_in')).toEqual(['4']);
    expect(values(run(frames[1] as Uint8Array, MODE_TREE, 2, view), 'http.request_in')).toEqual([]);
    const last = run(frames[3] as Uint8Array, MODE_TREE, 4, view);
    expect(last.info).toBe('HTTP/1.1 200 OK HTTP/1.1 404 Not Found ');
    expect(values(last, 'http.request_in')).toEqual(['1', '3']);
    expect(values(last, 'http.time')).toEqual(['3', '1']);
  });
});
