/**
 * Builds the rule set: every rule file in the settings directory's `rules/` folder (sorted by name) first,
 * then the default file shipped in assets/rules. A user file that names an app replaces the default rules of
 * that app, so users can narrow an app as well as add to it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseRules } from './parse-rules';
import { RuleSet } from './rule-set';
import { settingsDir } from './settings-dir';

export const RULE_FILE_EXTENSIONS = ['.rules', '.feature', '.cfg', '.conf', '.txt'];

/** assets/rules/default.rules, found from both the sources (main/engine/classify) and the build (dist/…). */
export function defaultRulesPath(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const p = path.join(dir, 'assets', 'rules', 'default.rules');
    if (fs.existsSync(p)) return p;
    dir = path.dirname(dir);
  }
  throw new Error('assets/rules/default.rules not found');
}

export function userRuleFiles(dir = path.join(settingsDir(), 'rules')): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => RULE_FILE_EXTENSIONS.includes(path.extname(n).toLowerCase()))
    .sort()
    .map((n) => path.join(dir, n));
}

export interface LoadRulesOptions {
  /** User rule files (default: those in the settings directory). */
  userFiles?: readonly string[];
  /** Leave the default file out (tests of one format). */
  noDefault?: boolean;
}

export function loadRules(opts: LoadRulesOptions = {}): RuleSet {
  const set = new RuleSet();
  const userApps = new Set<string>();
  const files = opts.userFiles ?? userRuleFiles();
  const defaults = opts.noDefault ? null : parseRules(fs.readFileSync(defaultRulesPath(), 'utf8'), 'default.rules');
  for (const file of files) {
    const parsed = parseRules(fs.readFileSync(file, 'utf8'), path.basename(file));
    // Imported feature files rarely carry categories: borrow ours for apps we know.
    const apps = new Map(parsed.apps);
    for (const [app, cat] of apps) if (cat === '' && defaults?.apps.has(app)) apps.set(app, defaults.apps.get(app)!);
    set.addTier(parsed.rules.map((r) => (r.category === '' && apps.get(r.app) ? { ...r, category: apps.get(r.app)! } : r)), apps);
    for (const app of parsed.apps.keys()) userApps.add(app);
  }
  if (defaults !== null) set.addTier(defaults.rules.filter((r) => !userApps.has(r.app)), defaults.apps);
  return set;
}

let cached: RuleSet | null = null;

/** The process-wide rule set (user files + default), loaded on first use. */
export function sharedRules(): RuleSet {
  return (cached ??= loadRules());
}
