/** Number, rate and place formatting shared by the statistics panels. */
import { formatBytes, formatCount } from '../../format';

export { formatBytes, formatCount };

/** "12.3%" of a total (0 when the total is 0). */
export function percent(part: number, total: number): string {
  if (total <= 0) return '0%';
  const p = (part / total) * 100;
  return `${p >= 10 || p === 0 ? p.toFixed(1) : p.toPrecision(2)}%`;
}

/** 1234567 → "1.23 M" style rates with an SI prefix (bits/s, packets/s). */
export function si(n: number, unit: string): string {
  const prefixes = ['', 'k', 'M', 'G', 'T'];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1000 && i < prefixes.length - 1) {
    v /= 1000;
    i++;
  }
  const text = v === 0 ? '0' : Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);
  return `${text} ${prefixes[i]}${unit}`;
}

/** Seconds as "1 h 2 min 3.456 s" (or "0.000123 s" below a second). */
export function duration(s: number): string {
  if (s < 60) return `${s.toFixed(s < 1 ? 6 : 3)} s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s - h * 3600 - m * 60;
  return `${h > 0 ? `${h} h ` : ''}${m} min ${rest.toFixed(3)} s`;
}

/** Epoch seconds text → "2020-02-25 16:03:05.983635 UTC" keeping every digit. */
export function utcTime(epoch: string | null): string {
  if (epoch === null) return '—';
  const dot = epoch.indexOf('.');
  const whole = Number(dot < 0 ? epoch : epoch.slice(0, dot));
  const d = new Date(whole * 1000);
  if (Number.isNaN(d.getTime())) return `${epoch} s since the epoch`;
  const frac = dot < 0 ? '' : `.${epoch.slice(dot + 1)}`;
  return `${d.toISOString().slice(0, 19).replace('T', ' ')}${frac} UTC`;
}

const regionNames = typeof Intl.DisplayNames === 'function' ? new Intl.DisplayNames(['en'], { type: 'region' }) : null;

/** A country code's English name ("DE" → "Germany"); range labels and '' read as themselves. */
export function countryName(key: string): string {
  if (key === '') return 'Unknown';
  if (/^[A-Z]{2}$/.test(key)) {
    try {
      return regionNames?.of(key) ?? key;
    } catch {
      return key;
    }
  }
  return key.charAt(0).toUpperCase() + key.slice(1);
}

/** What an application name reads as in tables and legends. */
export function appName(name: string): string {
  return name === '' ? 'unclassified' : name;
}

/** A pleasant bucket width near `target` seconds: 1, 2 or 5 times a power of ten (at least 1 µs). */
export function niceInterval(target: number): number {
  if (!(target > 1e-6)) return 1e-6;
  const p = Math.pow(10, Math.floor(Math.log10(target)));
  const m = target / p;
  const nice = m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10;
  // Rounded so 0.1 stays 0.1 (not 0.10000000000000002), which the engine then uses exactly.
  return Number((nice * p).toPrecision(6));
}

/** "0.01 s", "1 ms", "1 µs" for an interval. */
export function intervalLabel(s: number): string {
  if (s >= 1) return `${s} s`;
  if (s >= 1e-3) return `${Number((s * 1e3).toPrecision(6))} ms`;
  return `${Number((s * 1e6).toPrecision(6))} µs`;
}
