#!/usr/bin/env node
// The CLI is compiled TypeScript (npm install runs the build through `prepare`).
require('../dist/main/cli/wirelens.js');
