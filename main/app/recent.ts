/**
 * The Open Recent list: a small JSON file in the app's userData directory (the OS recent-documents list is
 * updated too, but cannot be read back on every platform).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const MAX_RECENT = 10;

export function loadRecent(file: string): string[] {
  try {
    const value: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (!Array.isArray(value)) return [];
    return value.filter((v): v is string => typeof v === 'string' && path.isAbsolute(v)).slice(0, MAX_RECENT);
  } catch {
    // Missing or damaged: start over rather than fail the menu.
    return [];
  }
}

/** Moves `capture` to the top of the list and saves it (atomically: a torn write would lose the whole list). */
export function addRecent(file: string, capture: string): string[] {
  const list = [capture, ...loadRecent(file).filter((p) => p !== capture)].slice(0, MAX_RECENT);
  saveRecent(file, list);
  return list;
}

export function saveRecent(file: string, list: readonly string[]): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(list, null, 1));
    fs.renameSync(tmp, file);
  } catch {
    // A read-only profile only costs the recent list.
  }
}
