#!/usr/bin/env node
// Runs the integration suites in desktop VS Code with the standard @vscode/test-electron
// launcher, for machines that can download VS Code (it needs internet access: on machines
// that reach only the npm registry use scripts/vscode/run-tests.js, which runs the same
// suites in code-server's real extension host; CI uses that one).
//
// Usage: node esbuild.js && node scripts/build-tests.js && node test/integration/electron.js [--workspace DIR]
// Env: VSCODE_VERSION (default 'stable'; keep it >= engines.vscode).
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { runTests } = require('@vscode/test-electron');

const repoRoot = path.resolve(__dirname, '..', '..');

function workspaceFolder() {
  const i = process.argv.indexOf('--workspace');
  if (i >= 0 && process.argv[i + 1]) return path.resolve(process.argv[i + 1]);
  const fixtures = path.join(repoRoot, 'test', 'fixtures', 'workspace');
  return fs.existsSync(fixtures) ? fixtures : path.join(repoRoot, 'examples', 'sample-workspace');
}

async function main() {
  const extensionTestsPath = path.join(repoRoot, 'out', 'test', 'integration', 'index.js');
  if (!fs.existsSync(extensionTestsPath)) throw new Error(`${extensionTestsPath} missing: run node scripts/build-tests.js`);
  // A fresh profile per run, as run-tests.js does for code-server.
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'citelens-electron-'));
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ 'security.workspace.trust.enabled': false, 'workbench.startupEditor': 'none' }, null, 2),
  );
  try {
    const code = await runTests({
      version: process.env.VSCODE_VERSION || 'stable',
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath,
      launchArgs: [
        workspaceFolder(),
        '--user-data-dir', userDataDir,
        '--extensions-dir', path.join(userDataDir, 'extensions'),
        '--disable-extensions', // other installed extensions; the one under development still loads
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
      ],
    });
    process.exitCode = code;
  } finally {
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`[electron] ${err && err.message ? err.message : err}`);
  process.exit(1);
});
