import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

// Cross-origin isolation lets onnxruntime-web use threads (SharedArrayBuffer);
// the dev and preview servers send the same headers, so tests see what users see.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

// Content-Security-Policy of the built app (issue 9): scripts and workers only
// from our own origin, no inline script, no eval; 'wasm-unsafe-eval' lets
// onnxruntime-web compile its (self-hosted) wasm; nothing may be fetched from
// another origin. img-src allows data:/blob: only for what the page itself
// makes (chart exports, downloads); styles stay 'self' (React and recharts
// set styles through the DOM, which CSP does not govern).
// It is injected at build time only: the dev server's React-refresh preamble
// is an inline <script>, which this policy (rightly) forbids. A host of the
// build should send it as a header as well (see preview below).
export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

function csp(): Plugin {
  return {
    name: 'grpo-csp',
    apply: 'build',
    // right after <meta charset>, before any script or stylesheet, so it governs them all
    transformIndexHtml: {
      order: 'post',
      handler: (html) => {
        const charset = /<meta charset="UTF-8" \/>\n?/;
        if (!charset.test(html)) throw new Error('index.html: <meta charset="UTF-8" /> not found; the CSP goes right after it');
        return html.replace(charset, (m) => `${m}    <meta http-equiv="Content-Security-Policy" content="${CSP}" />\n`);
      },
    },
  };
}

export default defineConfig({
  plugins: [react(), csp()],
  server: { headers: isolation },
  // preview serves the build, so it sends the policy as a header too: a meta tag governs only the
  // document, while a worker (trainer, onnxruntime-web) takes its policy from its own script's response
  preview: { headers: { ...isolation, 'Content-Security-Policy': CSP }, port: 4173, strictPort: true },
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true },
});
