import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { chromiumPath, chromiumArgs } from './scripts/chromium.ts';

const browser = {
  enabled: true,
  headless: true,
  provider: playwright({
    launchOptions: { executablePath: chromiumPath(), args: chromiumArgs },
  }),
  instances: [{ browser: 'chromium' as const }],
};

// Projects: plain Node for pure logic (unit: x.test.ts), a real headless
// Chromium with WebGPU for anything that touches the GPU (browser:
// x.browser.test.ts), and the printed engine figures (figures:
// bench/*.figures.ts, npm run gpu:figures; npm test runs only unit and browser).
// e2e/*.spec.ts belong to Playwright and are kept out of all three.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'node',
          include: ['src/**/*.test.ts', 'scripts/**/*.test.ts', 'bench/**/*.test.ts'],
          exclude: ['src/**/*.browser.test.ts', 'node_modules/**'],
          testTimeout: 60_000,
        },
      },
      {
        // Pre-bundled up front: discovering a dependency mid-run makes Vite reload the test page.
        optimizeDeps: { include: ['onnxruntime-web', 'zustand'] },
        test: {
          name: 'browser',
          include: ['src/**/*.browser.test.ts'],
          testTimeout: 120_000,
          browser,
        },
      },
      // Figures (npm run gpu:figures): printed measurements, not part of npm test.
      {
        test: {
          name: 'figures',
          include: ['bench/**/*.figures.ts'],
          testTimeout: 600_000,
          browser,
        },
      },
    ],
  },
});
