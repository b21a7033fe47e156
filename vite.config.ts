import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('./src/renderer', import.meta.url));

export default defineConfig({
  root,
  // Relative asset URLs: the same build loads from lattice://app/ in Electron and from any path over http.
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2023',
    sourcemap: true,
    // The CSP forbids inline scripts; keep the module preload polyfill (an inline script) out.
    modulePreload: { polyfill: false },
  },
  server: { strictPort: true },
});
