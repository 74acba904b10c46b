/** Shared fixtures for the filter tests: a private registry and a tiny tree builder. */
import { FieldRegistry, FieldDef, FieldType } from '../../main/engine/dissect/fields';
import type { FieldValue, TreeNode } from '../../main/engine/dissect/tree';
import { registerEngineFields } from '../../main/engine/filter/engine-fields';

export function makeRegistry(): FieldRegistry {
  const r = new FieldRegistry();
  registerEngineFields(r);
  const defs: [string, FieldType][] = [
    ['eth', 'protocol'],
    ['eth.src', 'ether'],
    ['eth.dst', 'ether'],
    ['eth.addr', 'ether'],
    ['eth.type', 'uint'],
    ['ip', 'protocol'],
    ['ip.src', 'ipv4'],
    ['ip.dst', 'ipv4'],
    ['ip.addr', 'ipv4'],
    ['ip.ttl', 'uint'],
    ['ip.flags.df', 'bool'],
    ['ipv6', 'protocol'],
    ['ipv6.src', 'ipv6'],
    ['ipv6.dst', 'ipv6'],
    ['ipv6.addr', 'ipv6'],
    ['tcp', 'protocol'],
    ['tcp.port', 'uint'],
    ['tcp.srcport', 'uint'],
    ['tcp.dstport', 'uint'],
    ['tcp.flags', 'uint'],
    ['tcp.flags.syn', 'bool'],
    ['tcp.seq', 'uint'],
    ['tcp.payload', 'bytes'],
    ['tcp.analysis.retransmission', 'none'],
    ['udp', 'protocol'],
    ['udp.port', 'uint'],
    ['dns', 'protocol'],
    ['dns.qry.name', 'string'],
    ['http.host', 'string'],
    ['icmp', 'protocol'],
    ['icmp.type', 'uint'],
    ['data.len', 'int'],
    ['rtp.jitter', 'float'],
    ['big.counter', 'uint'],
  ];
  for (const [name, type] of defs) r.register(name, type, name);
  return r;
}

export interface Spec {
  f: string;
  v?: FieldValue;
  start?: number;
  length?: number;
  c?: Spec[];
}

/** Builds tree nodes from compact specs: {f: 'ip.src', v: bytes, c: [...]}. */
export function tree(r: FieldRegistry, specs: Spec[]): TreeNode[] {
  return specs.map((s) => {
    const field = r.get(s.f) as FieldDef;
    if (!field) throw new Error(`test registry lacks ${s.f}`);
    return {
      field,
      start: s.start ?? 0,
      length: s.length ?? 0,
      value: s.v ?? null,
      label: s.f,
      children: s.c ? tree(r, s.c) : null,
    };
  });
}

export const ip4 = (s: string): Uint8Array => Uint8Array.from(s.split('.').map(Number));
export const mac = (s: string): Uint8Array => Uint8Array.from(s.split(':').map((x) => parseInt(x, 16)));
