#!/usr/bin/env node
/**
 * `npm start` and `wirelens-desktop [FILE]`: the desktop app when Electron can run here, otherwise the browser UI
 * (`wirelens serve`) with the same capture pre-opened. Plain JS so it runs before and without a TypeScript build
 * step of its own (npm start builds first).
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');

const root = path.join(__dirname, '..');

/** Electron's binary path, or why there is none. `require('electron')` throws when the download was skipped. */
function electronBinary() {
  let bin;
  try {
    bin = require('electron');
  } catch {
    return { bin: null, why: "Electron's binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD)" };
  }
  if (typeof bin !== 'string' || !fs.existsSync(bin)) {
    return { bin: null, why: "Electron's binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD)" };
  }
  return { bin, why: null };
}

function hasDisplay() {
  if (process.platform === 'darwin' || process.platform === 'win32') return true;
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

/** What to launch: 'electron' (with its binary) or 'serve', with the one-line reason for falling back. */
function choose(env = { electron: electronBinary(), display: hasDisplay() }) {
  if (!env.electron.bin) return { mode: 'serve', why: env.electron.why };
  if (!env.display) return { mode: 'serve', why: 'no display (neither DISPLAY nor WAYLAND_DISPLAY is set)' };
  return { mode: 'electron', bin: env.electron.bin };
}

async function main(argv) {
  const file = argv.find((a) => !a.startsWith('-')) || null;
  const choice = choose();
  if (choice.mode === 'electron') {
    const env = { ...process.env };
    // Set by some tools (and VS Code terminals): it would make the binary a plain Node and ignore the app.
    delete env.ELECTRON_RUN_AS_NODE;
    const child = spawn(choice.bin, [path.join(root, 'dist', 'main', 'app', 'main.js'), ...argv], { stdio: 'inherit', env });
    child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
    for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
    return;
  }
  process.stdout.write(`${choice.why} — starting the browser UI instead\n`);
  const { startServer } = require(path.join(root, 'dist', 'main', 'serve', 'server.js'));
  const { openBrowser } = require(path.join(root, 'dist', 'main', 'cli', 'commands', 'serve.js'));
  const open = file ? path.resolve(file) : path.join(root, 'assets', 'sample.pcapng');
  const port = process.env.WIRELENS_PORT ? Number(process.env.WIRELENS_PORT) : 0;
  const server = await startServer({ host: '127.0.0.1', port, open });
  process.stdout.write(`Wirelens is serving the browser UI at\n\n  ${server.url}\n\n(Ctrl+C to stop)\n`);
  if (!argv.includes('--no-open')) openBrowser(server.url);
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

module.exports = { main, choose, electronBinary, hasDisplay };

if (require.main === module) {
  main(process.argv.slice(2)).catch((err) => {
    process.stderr.write(`wirelens: cannot start: ${err.message}\n`);
    process.exitCode = 2;
  });
}
