// The esbuild settings the two Node bundles of the WebGPU engine share
// (gpu-node.mjs runs one here, gpu-bundle.mjs packs one for a GPU machine):
// WGSL `?raw` imports become strings, as Vite makes them, and the code reads
// import.meta.env.BASE_URL as the app's root.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const raw = {
  name: 'raw',
  setup(b) {
    b.onResolve({ filter: /\?raw$/ }, (a) => ({ path: resolve(a.resolveDir, a.path.slice(0, -4)), namespace: 'raw' }));
    b.onLoad({ filter: /.*/, namespace: 'raw' }, (a) => ({ contents: `export default ${JSON.stringify(readFileSync(a.path, 'utf8'))};`, loader: 'js' }));
  },
};

/** Options for esbuild's build() of a Node ESM bundle into outfile; `extra` adds to or overrides them. */
export const nodeBundle = (outfile, extra = {}) => ({
  bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile,
  plugins: [raw], logLevel: 'warning', define: { 'import.meta.env.BASE_URL': '"/"' },
  ...extra,
});
