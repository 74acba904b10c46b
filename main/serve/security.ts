/**
 * The pure security decisions of `wirelens serve`: token generation and comparison, which Host and Origin
 * headers are ours, request path → file mapping without traversal, and the response headers. Kept free of I/O
 * so every rule is unit-tested directly.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * Constant-time comparison. Both sides are hashed first: timingSafeEqual needs equal lengths, and comparing
 * lengths directly would leak the token's length.
 */
export function tokenMatches(given: string | null | undefined, expected: string): boolean {
  if (typeof given !== 'string' || given.length === 0 || given.length > 1024) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** Tokens travel in URLs, headers and a cookie: keep them to URL- and cookie-safe characters. */
export function tokenProblem(token: string): string | null {
  if (token.length < 16) return 'the token must be at least 16 characters';
  if (token.length > 256) return 'the token must be at most 256 characters';
  if (!/^[A-Za-z0-9._~-]+$/.test(token)) return 'the token may contain only letters, digits and . _ ~ -';
  return null;
}

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  return h === '::ffff:127.0.0.1';
}

/** `host` as it appears in a URL authority (IPv6 literals in brackets). */
export function urlHost(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}

/**
 * The Host header values we answer to. For a loopback bind only the loopback names: a page on a rebinding DNS
 * name (evil.example resolving to 127.0.0.1) then gets nothing, even before the token check. For a wildcard or
 * LAN bind the machine's names are unknown, so any Host is accepted and the token alone guards.
 */
export function hostAllowed(hostHeader: string | undefined, bindHost: string, port: number): boolean {
  if (!hostHeader) return false;
  if (!isLoopback(bindHost)) return true;
  // A browser leaves out the default port (Host: 127.0.0.1 when serving on 80).
  const h = /:\d+$/.test(hostHeader) ? hostHeader.toLowerCase() : `${hostHeader.toLowerCase()}:80`;
  return loopbackAuthorities(port).includes(h) || h === `${urlHost(bindHost)}:${port}`.toLowerCase();
}

/** The WebSocket Origin must be the page we served: http:// plus the Host the browser used to load it. */
export function originAllowed(origin: string | undefined, hostHeader: string | undefined, bindHost: string, port: number): boolean {
  if (!origin || !hostHeader || !hostAllowed(hostHeader, bindHost, port)) return false;
  return origin.toLowerCase() === `http://${hostHeader.toLowerCase()}`;
}

function loopbackAuthorities(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
}

export type PathCheck = { ok: true; segments: string[] } | { ok: false; status: 400 | 404; reason: string };

/**
 * Splits a request path (before '?') into decoded segments, refusing anything that could leave the served
 * directory: '..' and '.' (also percent-encoded), encoded separators, NUL, backslashes, and dot-files. The
 * caller still confirms the joined path stays inside the directory (defence in depth, and symlinks).
 */
export function requestSegments(rawPath: string): PathCheck {
  if (!rawPath.startsWith('/')) return { ok: false, status: 400, reason: 'path must start with /' };
  const segments: string[] = [];
  for (const raw of rawPath.split('/')) {
    if (raw === '') continue;
    let seg: string;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      return { ok: false, status: 400, reason: 'bad percent-encoding' };
    }
    if (seg === '.' || seg === '..') return { ok: false, status: 400, reason: 'dot segments are not allowed' };
    if (/[/\\\0]/.test(seg)) return { ok: false, status: 400, reason: 'encoded separators are not allowed' };
    if (seg.startsWith('.')) return { ok: false, status: 404, reason: 'hidden files are not served' };
    segments.push(seg);
  }
  return { ok: true, segments };
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

export function mimeType(file: string): string {
  const dot = file.lastIndexOf('.');
  return (dot >= 0 && MIME[file.slice(dot).toLowerCase()]) || 'application/octet-stream';
}

/**
 * The page's Content Security Policy (renderer/index.html carries the same policy in a meta tag; both apply).
 * No 'unsafe-inline' anywhere: the renderer uses ag-grid's CSS files rather than its injected theme styles, and
 * sets inline styles only through the CSSOM. connect-src names the WebSocket explicitly because older browsers
 * do not let 'self' cover ws:.
 */
export function contentSecurityPolicy(wsAuthority: string | null): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `connect-src 'self'${wsAuthority ? ` ws://${wsAuthority}` : ''}`,
    "img-src 'self' data:",
    "font-src 'self' data:",
    "worker-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function securityHeaders(wsAuthority: string | null): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(wsAuthority),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}

/** A Content-Disposition value safe for any file name (ASCII fallback plus RFC 5987 UTF-8 form). */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}
