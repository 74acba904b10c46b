/**
 * Contract methods of the statistics view (merged into shared/contract.ts's `methods` and `Results`).
 * Parameters are zod schemas (validated before the engine sees them); results are plain types.
 *
 * Every method answers from what is indexed so far (a file still being read, a live capture growing): the
 * view re-asks when the `status` event says more packets arrived. `scope: 'displayed'` restricts a statistic
 * to the packets the current display filter shows (Wireshark's "limit to display filter").
 */
import { z } from 'zod';

const scope = z.enum(['all', 'displayed']).default('all');

export const statsMethods = {
  /** What `capinfos` says about the file, plus the interfaces and packet counts per interface. */
  'stats.summary': z.object({}).strict(),
  /** Protocol hierarchy (tshark -z io,phs): frames and bytes per protocol layer path. */
  'stats.hierarchy': z.object({ scope }).strict(),
  /** IP endpoints (tshark -z endpoints,ip / endpoints,ipv6) with sessions, app mix, geo; sorted, paged. */
  'stats.talkers': z
    .object({
      scope,
      family: z.enum(['all', 'ipv4', 'ipv6']).default('all'),
      sort: z.enum(['address', 'packets', 'bytes', 'txPackets', 'txBytes', 'rxPackets', 'rxBytes', 'sessions']).default('bytes'),
      desc: z.boolean().default(true),
      start: z.number().int().min(0).max(2 ** 32).default(0),
      count: z.number().int().min(1).max(1000).default(100),
    })
    .strict(),
  /** Bytes and hosts per country (or special-range label) and per autonomous system. */
  'stats.geo': z.object({ scope, limit: z.number().int().min(1).max(1000).default(200) }).strict(),
  /** Sessions, packets and bytes per application and per category (session enrichment). */
  'stats.apps': z.object({ scope }).strict(),
  /**
   * I/O graph buckets (tshark -z io,stat,<interval>): packets and bytes per interval over [from, to) seconds
   * relative to the first packet, as a total and per protocol or application (the top `series` of them,
   * the rest as "Other"). Zooming asks again with a narrower range and a finer interval.
   */
  'stats.io': z
    .object({
      scope,
      /** Bucket width in seconds (1 µs … 1 day). */
      interval: z.number().min(1e-6).max(86_400),
      from: z.number().min(0).max(1e10).optional(),
      to: z.number().min(0).max(1e10).optional(),
      groupBy: z.enum(['none', 'protocol', 'app']).default('none'),
      series: z.number().int().min(1).max(12).default(6),
    })
    .strict(),
} satisfies Record<string, z.ZodType>;

export type StatsScope = 'all' | 'displayed';

export interface StatsInterface {
  /** Interface index within its pcapng section (what tshark calls frame.interface_id). */
  index: number;
  section: number;
  name: string;
  description: string;
  linkType: number;
  encapsulation: string;
  snaplen: number;
  timePrecision: string;
  packets: number;
  bytes: number;
}

export interface StatsSummary {
  path: string;
  format: string;
  fileSize: number;
  /** The one link type's name, or "Per packet" when interfaces differ (as capinfos). */
  encapsulation: string;
  timePrecision: string;
  /** Snap length of the file's interfaces, null when they differ or none is known. */
  snaplen: number | null;
  packets: number;
  /** Sum of the packets' original lengths (capinfos "Data size"). */
  dataBytes: number;
  /** Sum of captured lengths. */
  capturedBytes: number;
  /** Earliest and latest packet times (epoch seconds with every recorded digit), null before any packet. */
  firstTs: string | null;
  lastTs: string | null;
  /** Seconds between them. */
  duration: number;
  /** Per second over the duration; null when the duration is 0. */
  byteRate: number | null;
  bitRate: number | null;
  packetRate: number | null;
  avgPacketSize: number | null;
  /** Every packet's time is at or after the previous one's. */
  strictTimeOrder: boolean;
  hardware: string;
  os: string;
  application: string;
  comments: string[];
  interfaces: StatsInterface[];
  sessions: number;
  /** Distinct IPv4/IPv6 addresses seen. */
  hosts: number;
  /** Reader problems (a damaged tail, skipped blocks). */
  problems: string[];
  indexing: boolean;
}

export interface HierarchyNode {
  /** Index of the parent node in `nodes`, -1 for a top-level layer. */
  parent: number;
  depth: number;
  /** Protocol layer as tshark names it in -z io,phs ("eth", "ip", "tcp", "tls", "data"). */
  name: string;
  frames: number;
  bytes: number;
}

export interface HierarchyResult {
  scope: StatsScope;
  frames: number;
  bytes: number;
  /** Depth-first, children in order of first appearance (as tshark prints them). */
  nodes: HierarchyNode[];
  indexing: boolean;
}

export interface AppShare {
  app: string;
  bytes: number;
}

export interface TalkerRow {
  address: string;
  family: 4 | 6;
  packets: number;
  bytes: number;
  txPackets: number;
  txBytes: number;
  rxPackets: number;
  rxBytes: number;
  /** Sessions this host took part in (within the scope). */
  sessions: number;
  /** 'public', or what the address is: private, loopback, link-local, multicast, cgnat … */
  range: string;
  /** ISO country code ('' unknown or not public). */
  country: string;
  asn: number;
  org: string;
  /** Applications of its sessions by bytes, largest first (at most 4). */
  apps: AppShare[];
}

export interface TalkersResult {
  scope: StatsScope;
  /** Hosts matching the family (rows is the page [start, start + count) of them). */
  total: number;
  start: number;
  rows: TalkerRow[];
  /** Packets and bytes of the scope (what shares are relative to). */
  packets: number;
  bytes: number;
  indexing: boolean;
}

export interface GeoRow {
  /** Country code, special-range label ("private"), or "" for unknown. */
  key: string;
  hosts: number;
  packets: number;
  bytes: number;
  txBytes: number;
  rxBytes: number;
}

export interface AsnRow {
  /** 0: no AS known (private or unknown addresses). */
  asn: number;
  org: string;
  hosts: number;
  packets: number;
  bytes: number;
  txBytes: number;
  rxBytes: number;
}

export interface GeoResult {
  scope: StatsScope;
  countries: GeoRow[];
  asns: AsnRow[];
  /** Hosts and bytes by public/not public (private, loopback, multicast …). */
  publicHosts: number;
  privateHosts: number;
  publicBytes: number;
  privateBytes: number;
  /** Sum over hosts of their bytes (each packet counts for its source and its destination). */
  hostBytes: number;
  indexing: boolean;
}

export interface AppRow {
  /** Application ('' when no rule classified the session; "(no session)" rows have session-less packets). */
  name: string;
  category: string;
  sessions: number;
  packets: number;
  bytes: number;
  /** Distinct hosts taking part. */
  hosts: number;
}

export interface AppsResult {
  scope: StatsScope;
  apps: AppRow[];
  categories: AppRow[];
  packets: number;
  bytes: number;
  indexing: boolean;
}

export interface IoSeries {
  name: string;
  packets: number[];
  bytes: number[];
}

export interface IoResult {
  scope: StatsScope;
  /** Start of bucket 0, seconds relative to the first packet. */
  from: number;
  /** Bucket width actually used (widened when the range would need too many buckets). */
  interval: number;
  buckets: number;
  /** Relative time of the last packet (the full range a zoom-out returns to). */
  span: number;
  /** Epoch of relative time 0. */
  firstTs: string | null;
  /** [0] is every packet of the scope; then one per group, "Other" last when groups were folded. */
  series: IoSeries[];
  indexing: boolean;
}

export interface StatsResults {
  'stats.summary': StatsSummary;
  'stats.hierarchy': HierarchyResult;
  'stats.talkers': TalkersResult;
  'stats.geo': GeoResult;
  'stats.apps': AppsResult;
  'stats.io': IoResult;
}

/** Methods of this view that write a file (the desktop app asks for the path with a save dialog). */
export const statsOutputs: readonly string[] = [];
