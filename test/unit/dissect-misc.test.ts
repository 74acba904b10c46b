/**
 * DHCP/BOOTP and NTP decoders on crafted packets: tshark's Info wording, the common option fields, and cut
 * headers reported as problems.
 */
import { describe, expect, it } from 'vitest';
import { dissectFrame } from '../../main/engine/dissect/frame';
import { Dissection, MODE_SUMMARY, MODE_TREE } from '../../main/engine/dissect/dissection';
import type { TreeNode } from '../../main/engine/dissect/tree';
import { concat, ether, ipv4, u16, u32, udp } from './helpers/pcap-lite';

function run(f: Uint8Array, mode: number): Dissection {
  const d = new Dissection();
  d.reset(f, mode);
  d.frame.number = 1;
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

function bootp(op: number, options: number[] | null): Uint8Array {
  const fixed = new Uint8Array(236);
  fixed.set([op, 1, 6, 0, ...u32(0x06e32864), ...u16(0), ...u16(0x8000)]);
  fixed.set([192, 168, 1, 4], 16);
  fixed.set([0x00, 0x0b, 0x82, 0x01, 0xfc, 0x42], 28);
  return options === null ? fixed : concat(fixed, u32(0x63825363), options);
}

describe('DHCP', () => {
  it('names the message type and decodes common options', () => {
    const opts = [53, 1, 1, 50, 4, 192, 168, 1, 4, 12, 4, 0x68, 0x6f, 0x73, 0x74, 55, 3, 1, 3, 6, 60, 3, 0x61, 0x62, 0x63, 61, 7, 1, 0, 0x0b, 0x82, 0x01, 0xfc, 0x42, 51, 4, ...u32(3600), 54, 4, 10, 0, 0, 1, 255];
    const d = run(ether(0x0800, ipv4(17, udp(68, 67, bootp(1, opts)))), MODE_TREE);
    expect(d.protocolName()).toBe('DHCP');
    expect(d.info).toBe('DHCP Discover - Transaction ID 0x6e32864');
    expect(values(d, 'dhcp.option.dhcp')).toEqual(['1']);
    expect(values(d, 'dhcp.option.requested_ip_address')).toEqual(['192.168.1.4']);
    expect(values(d, 'dhcp.option.hostname')).toEqual(['host']);
    expect(values(d, 'dhcp.option.request_list_item')).toEqual(['1', '3', '6']);
    expect(values(d, 'dhcp.option.vendor_class_id')).toEqual(['abc']);
    expect(values(d, 'dhcp.option.ip_address_lease_time')).toEqual(['3600']);
    expect(values(d, 'dhcp.option.dhcp_server_id')).toEqual(['10.0.0.1']);
    expect(values(d, 'dhcp.hw.mac_addr')).toContain('00:0b:82:01:fc:42');
    expect(values(d, 'dhcp.ip.your')).toEqual(['192.168.1.4']);
  });

  it('pads short type names like tshark and falls back to BOOTP', () => {
    expect(run(ether(0x0800, ipv4(17, udp(67, 68, bootp(2, [53, 1, 5, 255])))), MODE_SUMMARY).info).toBe('DHCP ACK      - Transaction ID 0x6e32864');
    const plain = run(ether(0x0800, ipv4(17, udp(68, 67, bootp(1, null)))), MODE_SUMMARY);
    expect(plain.protocolName()).toBe('BOOTP');
    expect(plain.info).toBe('Boot Request from 00:0b:82:01:fc:42 (00:0b:82:01:fc:42)');
  });

  it('reports options that run past the end', () => {
    const d = run(ether(0x0800, ipv4(17, udp(68, 67, bootp(1, [53, 1, 3, 12, 40, 0x61])))), MODE_SUMMARY);
    expect(d.info).toBe('DHCP Request  - Transaction ID 0x6e32864[Malformed Packet]');
    expect(d.problems.length).toBeGreaterThan(0);
  });
});

describe('NTP', () => {
  it('names version and mode, and decodes the timestamps', () => {
    const pkt = concat([0x23, 2, 6, 0xec], u32(0x10000), u32(0x20000), [10, 0, 0, 1], new Array<number>(24).fill(0), u32(0xe8a1b2c3), u32(0x80000000));
    const d = run(ether(0x0800, ipv4(17, udp(40000, 123, pkt))), MODE_TREE);
    expect(d.protocolName()).toBe('NTP');
    expect(d.info).toBe('NTP Version 4, client');
    expect(values(d, 'ntp.stratum')).toEqual(['2']);
    expect(values(d, 'ntp.rootdelay')).toEqual(['1']);
    expect(Number(values(d, 'ntp.xmt')[0])).toBeCloseTo(0xe8a1b2c3 - 2208988800 + 0.5, 3);
  });

  it('shows control messages and flags short headers', () => {
    expect(run(ether(0x0800, ipv4(17, udp(40000, 123, Uint8Array.from([0x16, 2, 0, 1])))), MODE_SUMMARY).info).toBe('NTP Version 2, control');
    const short = run(ether(0x0800, ipv4(17, udp(40000, 123, Uint8Array.from([0x24, 1, 2])))), MODE_SUMMARY);
    expect(short.info).toBe('NTP Version 4, server[Malformed Packet]');
    expect(short.problems.length).toBeGreaterThan(0);
  });
});
