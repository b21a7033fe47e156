import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('./src/renderer', import.meta.url));

/**
 * Vite marks its script and stylesheet tags `crossorigin`, which turns them into CORS requests. The page only
 * loads its own files, and custom schemes (lattice://) are not CORS-enabled in Electron, so drop the attribute.
 */
function noCrossorigin(): Plugin {
  return {
    name: 'lattice-no-crossorigin',
    enforce: 'post',
    transformIndexHtml: (html) => html.replace(/ crossorigin(?=[\s>])/g, ''),
  };
}

export default defineConfig({
  root,
  // Relative asset URLs: the same build loads from lattice://app/ in Electron and from any path over http.
  base: './',
  plugins: [react(), noCrossorigin()],
  build: {
    outDir: fileURLToPath(new URL('./dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2023',
    sourcemap: true,
    // The CSP forbids inline scripts; keep the module preload polyfill (an inline script) out.
    modulePreload: { polyfill: false },
    // Fonts are never inlined as data: URIs, which the web host's CSP does not allow for fonts (KaTeX's smallest is
    // under Vite's 4 KiB limit).
    assetsInlineLimit: (file) => (/\.(woff2?|ttf)$/.test(file) ? false : undefined),
  },
  server: { strictPort: true },
});
