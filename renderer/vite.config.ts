import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

// Relative base: Electron loads the build with loadFile (file://), serve from /. Module preload polyfill off:
// it is an inline-free script, but it is not needed by Chromium and keeps the output to one entry chunk.
export default defineConfig({
  root: here,
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
    // Assets inlined as data: URLs would need img-src/font-src data: in the CSP; keep them as files.
    assetsInlineLimit: 0,
  },
});
