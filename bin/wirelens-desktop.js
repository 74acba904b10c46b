#!/usr/bin/env node
// `wirelens-desktop [FILE]`: the desktop app, or the browser UI where Electron cannot run (see scripts/start.js).
require('../scripts/start.js')
  .main(process.argv.slice(2))
  .catch((err) => {
    process.stderr.write(`wirelens-desktop: cannot start: ${err.message}\n`);
    process.exitCode = 2;
  });
