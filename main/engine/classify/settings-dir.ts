/**
 * Where user settings live: $WIRELENS_SETTINGS_DIR, else $XDG_CONFIG_HOME/wirelens, else ~/.config/wirelens
 * (the engine has no Electron, so it cannot ask for userData; the desktop app may set the variable).
 */
import * as os from 'node:os';
import * as path from 'node:path';

export function settingsDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.WIRELENS_SETTINGS_DIR) return env.WIRELENS_SETTINGS_DIR;
  const base = env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  return path.join(base, 'wirelens');
}
