// Playwright drives the system Chromium (never a downloaded one) against the built dist/,
// served with COOP/COEP by demo/server.mjs on a free port (see global-setup.ts).
import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './chromium.mjs';

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  outputDir: '../test-results',
  globalSetup: './global-setup.ts',
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1, // timing tests (frame gaps, heartbeats) need the 2 cores to themselves
  timeout: 30_000,
  reporter: 'list',
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: chromiumLaunchOptions,
    trace: 'retain-on-failure',
  },
});
