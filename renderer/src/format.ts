import type { Row } from '../../shared/contract';

export type TimeFormat = 'absolute' | 'relative' | 'delta';

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/**
 * Formats an epoch-seconds decimal string as local date and time, keeping every fractional digit the capture
 * recorded (Number would round nanoseconds away).
 */
export function formatAbsolute(ts: string): string {
  const dot = ts.indexOf('.');
  const whole = Number(dot < 0 ? ts : ts.slice(0, dot));
  const frac = dot < 0 ? '' : ts.slice(dot + 1);
  const d = new Date(whole * 1000);
  if (Number.isNaN(d.getTime())) return ts;
  const date = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return frac ? `${date} ${time}.${frac}` : `${date} ${time}`;
}

export const TIME_FORMATS: readonly TimeFormat[] = ['absolute', 'relative', 'delta'];

/** The next format in the column header's cycle: absolute → relative → delta → absolute. */
export function nextTimeFormat(f: TimeFormat): TimeFormat {
  return TIME_FORMATS[(TIME_FORMATS.indexOf(f) + 1) % TIME_FORMATS.length] ?? 'relative';
}

export function timeFormatLabel(f: TimeFormat): string {
  return f === 'absolute' ? 'Absolute' : f === 'relative' ? 'Since first packet' : 'Since previous displayed';
}

export function formatTime(row: Row, fmt: TimeFormat): string {
  if (fmt === 'absolute') return formatAbsolute(row.ts);
  return fmt === 'relative' ? row.rel : row.delta;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function basename(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i < 0 ? path : path.slice(i + 1);
}
