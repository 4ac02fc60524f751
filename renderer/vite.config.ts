import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CSP_PLACEHOLDER, contentSecurityPolicy } from '../shared/csp';

const root = dirname(fileURLToPath(import.meta.url));

/** The page's `<meta>` CSP comes from the one definition in shared/csp.ts; a page without it is not built. */
export function cspMeta(): Plugin {
  return {
    name: 'presence-desk-csp',
    transformIndexHtml(html) {
      if (!html.includes(CSP_PLACEHOLDER)) throw new Error(`renderer/index.html: the Content-Security-Policy meta must carry ${CSP_PLACEHOLDER}`);
      // The browser host's variant: in Electron the stricter response header applies as well.
      return html.replace(CSP_PLACEHOLDER, contentSecurityPolicy('browser'));
    },
  };
}

// Relative base: the same build is loaded from file:// in Electron and from the browser host.
export default defineConfig({
  root,
  base: './',
  plugins: [react(), cspMeta()],
  build: { outDir: '../dist/renderer', emptyOutDir: true, sourcemap: false, target: 'es2022' },
});
