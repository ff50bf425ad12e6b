// The renderer's build: `vite build` (this file) writes out/renderer/, which the web host serves
// and the Electron window loads. Relative asset URLs, so the same build works from a file too.
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: resolve(import.meta.dirname, 'renderer'),
  base: './',
  plugins: [react()],
  build: {
    outDir: resolve(import.meta.dirname, 'out/renderer'),
    emptyOutDir: true,
    // No inline <script> or data: URL may appear in the output: the CSP forbids both.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  server: { host: '127.0.0.1', strictPort: true },
});
