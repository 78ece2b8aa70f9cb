// Packaging for the VSIX integration stage (scripts/vscode/run-tests.js --vsix):
//   packageVsix(outDir)      runs `vsce package` (offline, no prompts) and returns the .vsix path
//   buildVsixTests()         bundles test/integration/index.vsix.ts -> out/test/integration/index.vsix.js
//   makeProbe(dir, expect)   a do-nothing development extension that only hosts the test run:
//                            VS Code runs extension tests only in a development session, and the
//                            CiteLens under test must be the installed copy, not the repository
// Also a command: node scripts/vscode/vsix.js [--out DIR]   packages and prints the file list.
'use strict';

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const repoRoot = path.resolve(__dirname, '..', '..');

function packageVsix(outDir) {
  fs.mkdirSync(outDir, { recursive: true });
  const out = path.join(outDir, 'citelens.vsix');
  const vsce = require.resolve('@vscode/vsce/vsce', { paths: [repoRoot] });
  // --no-rewrite-relative-links: the README's screenshot ships in the VSIX; without a public
  // repository URL vsce could only rewrite it to a broken address.
  const r = spawnSync(process.execPath, [vsce, 'package', '--no-rewrite-relative-links', '--out', out], { cwd: repoRoot, encoding: 'utf8', timeout: 300000 });
  if (r.status !== 0) throw new Error(`vsce package failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  return { vsix: out, log: r.stdout };
}

function buildVsixTests() {
  const esbuild = require('esbuild');
  esbuild.buildSync({
    bundle: true,
    format: 'cjs',
    external: ['vscode'],
    sourcemap: 'inline',
    logLevel: 'warning',
    absWorkingDir: repoRoot,
    entryPoints: ['test/integration/index.vsix.ts'],
    outfile: 'out/test/integration/index.vsix.js',
    platform: 'node',
    target: 'node18',
    define: { CITELENS_TEST_HOST: '"node"' },
  });
  return path.join(repoRoot, 'out', 'test', 'integration', 'index.vsix.js');
}

const PROBE_ID = 'citelens-test.citelens-vsix-probe';

function makeProbe(dir, expect) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'citelens-vsix-probe', publisher: 'citelens-test', version: '0.0.0', engines: { vscode: '^1.100.0' }, main: './probe.js', activationEvents: [] }, null, 2),
  );
  fs.writeFileSync(path.join(dir, 'probe.js'), 'exports.activate = () => {};\n');
  fs.writeFileSync(path.join(dir, 'expect.json'), JSON.stringify(expect, null, 2));
  return dir;
}

module.exports = { packageVsix, buildVsixTests, makeProbe, PROBE_ID };

if (require.main === module) {
  const i = process.argv.indexOf('--out');
  const outDir = i >= 0 ? path.resolve(process.argv[i + 1]) : repoRoot;
  const { vsix, log } = packageVsix(outDir);
  console.log(log.trim());
  console.log(`${vsix}: ${fs.statSync(vsix).size} bytes`);
}
