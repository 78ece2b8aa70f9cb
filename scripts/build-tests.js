#!/usr/bin/env node
// Bundles the integration tests for VS Code's extension hosts:
//   test/integration/index.ts     -> out/test/integration/index.js      (Node host; platform node, cjs)
//   test/integration/index.web.ts -> out/test/integration/index.web.js  (web-worker host; platform browser, cjs)
// `vscode` stays external (the host provides it). Each bundle exports run().
// Usage: node scripts/build-tests.js
'use strict';
const esbuild = require('esbuild');
const path = require('path');

const root = path.resolve(__dirname, '..');
const common = {
  bundle: true,
  format: 'cjs',
  external: ['vscode'],
  sourcemap: 'inline',
  logLevel: 'warning',
  absWorkingDir: root,
};

async function main() {
  await Promise.all([
    esbuild.build({
      ...common,
      entryPoints: ['test/integration/index.ts'],
      outfile: 'out/test/integration/index.js',
      platform: 'node',
      target: 'node18',
      define: { CITELENS_TEST_HOST: '"node"' },
    }),
    esbuild.build({
      ...common,
      entryPoints: ['test/integration/index.web.ts'],
      outfile: 'out/test/integration/index.web.js',
      platform: 'browser',
      target: 'es2022',
      define: { CITELENS_TEST_HOST: '"web"' },
    }),
  ]);
  console.log('[build-tests] out/test/integration/index.js, out/test/integration/index.web.js');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
