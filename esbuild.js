// Bundles the extension for the Node extension host (dist/extension.js), the web-worker
// extension host (dist/browser.js), the webview script (media/ is static; dist/webview.js)
// and the command-line tool (dist/cli.js).
// Usage: node esbuild.js [--watch] [--production]
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
};

/** @type {import('esbuild').BuildOptions[]} */
const builds = [
  {
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    external: ['vscode'],
  },
  {
    // The catalog's worker thread in the Node host (src/vscode/catalogConnection.ts starts it).
    ...common,
    entryPoints: ['src/vscode/catalogWorker.ts'],
    outfile: 'dist/catalog-worker.js',
    platform: 'node',
    format: 'cjs',
    target: 'node18',
  },
  {
    // The catalog's Web Worker in the web extension host.
    ...common,
    entryPoints: ['src/vscode/catalogWebWorker.ts'],
    outfile: 'dist/catalog-worker.web.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
  {
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/browser.js',
    platform: 'browser',
    format: 'cjs',
    target: 'es2022',
    // worker_threads is only required on the Node host's path (catalogConnection.ts), never here.
    external: ['vscode', 'worker_threads'],
    // The web-worker host has no Node built-ins; the code must not need them.
    define: { 'process.env.CITELENS_WEB': '"1"' },
  },
  {
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    banner: { js: '#!/usr/bin/env node' },
  },
];

const optional = [
  { entry: 'src/webview/main.ts', outfile: 'dist/webview.js', platform: 'browser', format: 'iife', target: 'es2022' },
];
for (const o of optional) {
  if (fs.existsSync(path.join(__dirname, o.entry))) {
    builds.push({ ...common, entryPoints: [o.entry], outfile: o.outfile, platform: o.platform, format: o.format, target: o.target });
  }
}

async function main() {
  if (watch) {
    for (const b of builds) {
      const ctx = await esbuild.context(b);
      await ctx.watch();
    }
    console.log('[esbuild] watching…');
    return;
  }
  await Promise.all(builds.map((b) => esbuild.build(b)));
  try {
    fs.chmodSync(path.join(__dirname, 'dist/cli.js'), 0o755);
  } catch {
    /* not built */
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
