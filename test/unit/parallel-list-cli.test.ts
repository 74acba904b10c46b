/**
 * The real worker processes of `wirelens list` (main/cli/parallel-list.ts, list-worker.ts): same bytes, same
 * messages, same exit code as one pass, and a quiet end when the reader of stdout goes away.
 */
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'bin', 'wirelens.js');
const WORKER = path.join(ROOT, 'dist', 'main', 'cli', 'list-worker.js');
const CAPS = path.join(ROOT, 'test', 'fixtures', 'captures');
const built = fs.existsSync(WORKER);
if (!built) console.log(`[parallel-list-cli] ${path.relative(ROOT, WORKER)} is missing: run \`npm run build\` first; these tests are skipped`);

function run(workers: number, ...argv: string[]): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, [CLI, ...argv], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env: { ...process.env, WIRELENS_WORKERS: String(workers) },
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

describe.skipIf(!built)('wirelens list with worker processes', () => {
  const cases: [string, string[]][] = [
    ['many address pairs', ['list', path.join(CAPS, 'mixed-dns-tls-http-icmp__foxio-ja4__latest.pcapng')]],
    ['a filter', ['list', path.join(CAPS, 'mixed-dns-tls-http-icmp__foxio-ja4__latest.pcapng'), '-Y', 'dns or tls.handshake.type == 1']],
    ['a truncated IPv4 header', ['list', path.join(CAPS, 'trunc-ipv4-header__zeek__ip4-trunc.pcap')]],
    ['a damaged record', ['list', path.join(CAPS, 'bad-pcap-damaged-record__suricata-verify__fuzz.pcap')]],
    ['not a capture', ['list', path.join(ROOT, 'README.md')]],
  ];
  for (const [what, argv] of cases) {
    it(`prints what one pass prints: ${what}`, () => {
      const one = run(1, ...argv);
      const three = run(3, ...argv);
      expect(three.stdout).toBe(one.stdout);
      expect(three.stderr).toBe(one.stderr);
      expect(three.status).toBe(one.status);
    });
  }

  it('really uses worker processes when asked, and one pass for --json', () => {
    const cap = path.join(CAPS, 'mixed-dns-tls-http-icmp__foxio-ja4__latest.pcapng');
    const say = (...argv: string[]): string =>
      spawnSync(process.execPath, [CLI, ...argv], { encoding: 'utf8', env: { ...process.env, WIRELENS_WORKERS: '3', WIRELENS_DEBUG: '1' } }).stderr;
    expect(say('list', cap)).toContain('list split over 3 worker processes');
    expect(say('list', cap, '--json')).not.toContain('worker processes');
  });

  it('ends quietly, workers included, when stdout is closed early (`list F | head`)', async () => {
    const child = spawn(process.execPath, [CLI, 'list', path.join(CAPS, 'mixed-dns-tls-http-icmp__foxio-ja4__latest.pcapng')], {
      env: { ...process.env, WIRELENS_WORKERS: '2' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    expect(stderr).toBe('');
    expect(status).toBe(0);
  });
});
