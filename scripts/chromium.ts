// Where the system Chromium lives and the flags that give headless WebGPU
// (SwiftShader where there is no GPU). Shared by Vitest browser mode,
// Playwright and the benchmark runner. CHROMIUM_PATH overrides the path.
import { existsSync } from 'node:fs';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

export function chromiumPath(): string {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH=${fromEnv} does not exist`);
    return fromEnv;
  }
  const found = CANDIDATES.find((p) => existsSync(p));
  if (!found) {
    throw new Error(`no Chromium found (looked at ${CANDIDATES.join(', ')}); install it (apt-get install -y chromium) or set CHROMIUM_PATH`);
  }
  return found;
}

export const chromiumArgs = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
