#!/usr/bin/env node
// `npm test`: every test stage, in order, with one closing line `N passed, N failed` for all.
//   1. build           node esbuild.js
//   2. build tests     node scripts/build-tests.js
//   3. unit            node --import tsx --test test/unit/*.test.ts
//   4. install         node scripts/vscode/install.js   (chromium, Node 24, code-server; cached)
//   5. integration     node scripts/vscode/run-tests.js         (Node extension host)
//   6. integration     node scripts/vscode/run-tests.js --web   (web-worker extension host)
//   7. ui              node test/ui/<name>.test.js, each, if any
//   8. vsix            node scripts/vscode/run-tests.js --vsix  (vsce package, code-server
//                      --install-extension into a fresh extensions dir, smoke + completion
//                      against the installed copy; last, as vsce rebuilds dist/ for production)
// Counts come from node's test runner (`# pass N` / `ℹ pass N`, `fail`, `cancelled`) and from
// the integration harness / UI tests (`N passed, N failed`). A stage that fails without
// reporting a failed test counts as one failure. Exit code 1 if anything failed.
// Options: --skip-integration (stages 4-8), --only unit|integration|ui|vsix
'use strict';

const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const skipIntegration = args.includes('--skip-integration');

function listTests(dir, suffix) {
  const abs = path.join(root, dir);
  if (!fs.existsSync(abs)) return [];
  return fs
    .readdirSync(abs)
    .filter((f) => f.endsWith(suffix))
    .sort()
    .map((f) => path.posix.join(dir, f));
}

/** Runs a command, streaming its output; resolves { code, output, seconds }. */
function run(cmd, cmdArgs, { env } = {}) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(cmd, cmdArgs, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
      process.stdout.write(d);
    });
    child.stderr.on('data', (d) => {
      output += d;
      process.stderr.write(d);
    });
    const forward = (sig) => child.kill(sig);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('error', (e) => {
      output += `\n${e.message}\n`;
    });
    child.on('close', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve({ code: code ?? (signal ? 1 : 0), signal, output, seconds: (Date.now() - t0) / 1000 });
    });
  });
}

/** The lines naming failed tests (our harness's `✗`, node's `✖`/`not ok`), for the summary: CI logs are often read from the tail. */
function failureLines(output) {
  return output
    .split('\n')
    .map((l) => l.replace(/\x1b\[[0-9;]*m/g, '').trim())
    .filter((l) => /^(✗|✖|not ok )/.test(l) && !/^✖ failing tests:$/.test(l))
    .slice(0, 12)
    .map((l) => (l.length > 400 ? `${l.slice(0, 400)}…` : l));
}

/** Pass/fail counts printed by node's test runner or by our harness, or undefined. */
function parseCounts(output) {
  const lines = output.split('\n').map((l) => l.replace(/\x1b\[[0-9;]*m/g, '').trim());
  let passed;
  let failed;
  let cancelled = 0;
  for (const l of lines) {
    let m;
    if ((m = /^(?:#|ℹ) pass (\d+)$/.exec(l))) passed = (passed || 0) + Number(m[1]);
    else if ((m = /^(?:#|ℹ) fail (\d+)$/.exec(l))) failed = (failed || 0) + Number(m[1]);
    else if ((m = /^(?:#|ℹ) cancelled (\d+)$/.exec(l))) cancelled += Number(m[1]);
  }
  if (passed !== undefined || failed !== undefined) return { passed: passed || 0, failed: (failed || 0) + cancelled };
  // Harness / UI tests: the last `N passed, N failed` line.
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = /^(?:\w+: )?(\d+) passed, (\d+) failed(?:, \d+ skipped)?$/.exec(lines[i]);
    if (m) return { passed: Number(m[1]), failed: Number(m[2]) };
  }
  return undefined;
}

const results = [];

/** Runs one stage; counted stages add their tests, any failed stage adds at least one failure. */
async function stage(name, cmd, cmdArgs, { counted = true, env } = {}) {
  console.log(`\n=== ${name}: ${[cmd, ...cmdArgs].join(' ')}`);
  const r = await run(cmd, cmdArgs, { env });
  const counts = counted ? parseCounts(r.output) : undefined;
  let passed = counts ? counts.passed : 0;
  let failed = counts ? counts.failed : 0;
  let note = '';
  if (r.code !== 0 && failed === 0) {
    failed = 1; // crashed, or failed without saying which test
    note = `exited with ${r.signal || r.code}${counts ? '' : ' (no test counts)'}`;
  } else if (counted && !counts) {
    note = 'no test counts printed';
  }
  const ok = r.code === 0 && failed === 0;
  results.push({ name, passed, failed, seconds: r.seconds, ok, note, failures: ok ? [] : failureLines(r.output) });
  console.log(`=== ${name}: ${ok ? 'ok' : 'FAILED'} in ${r.seconds.toFixed(1)} s${counted ? ` (${passed} passed, ${failed} failed)` : ''}${note ? ` — ${note}` : ''}`);
  return ok;
}

function skip(name, why) {
  results.push({ name, passed: 0, failed: 0, seconds: 0, ok: true, note: `skipped: ${why}` });
  console.log(`\n=== ${name}: skipped (${why})`);
}

async function main() {
  const node = process.execPath;
  const want = (what) => !only || only === what;
  let built = true;
  built = (await stage('build', node, ['esbuild.js'], { counted: false })) && built;
  if (want('integration') || want('ui')) {
    built = (await stage('build tests', node, ['scripts/build-tests.js'], { counted: false })) && built;
  }
  const vscodeStages = want('integration') || want('ui') || want('vsix');

  if (want('unit')) {
    // Type errors and a core that imports vscode or Node fail the run like a failing test.
    await stage('typecheck (tsc --noEmit)', node, [require.resolve('typescript/bin/tsc'), '--noEmit', '-p', '.'], { counted: false });
    await stage('core import rule', node, ['scripts/check-core-imports.js'], { counted: false });
  }

  if (want('unit')) {
    const unit = listTests('test/unit', '.test.ts');
    if (unit.length) await stage('unit', node, ['--import', 'tsx', '--test', '--test-reporter=spec', ...unit]);
    else skip('unit', 'no test/unit/*.test.ts');
  }

  if (!skipIntegration && vscodeStages) {
    if (!built) {
      skip('integration (node host)', 'build failed');
      skip('integration (web host)', 'build failed');
      skip('vsix (installed copy)', 'build failed');
    } else if (await stage('install VS Code (code-server)', node, ['scripts/vscode/install.js'], { counted: false })) {
      if (want('integration')) {
        await stage('integration (node host)', node, ['scripts/vscode/run-tests.js']);
        await stage('integration (web host)', node, ['scripts/vscode/run-tests.js', '--web']);
      }
      if (want('ui')) {
        const ui = listTests('test/ui', '.test.js');
        for (const t of ui) await stage(`ui ${path.basename(t)}`, node, [t]);
        if (!ui.length) skip('ui', 'no test/ui/*.test.js');
      }
      if (want('vsix')) await stage('vsix (installed copy)', node, ['scripts/vscode/run-tests.js', '--vsix']);
    }
  }

  const passed = results.reduce((n, r) => n + r.passed, 0);
  const failed = results.reduce((n, r) => n + r.failed, 0);
  console.log('\n=== summary');
  for (const r of results) {
    console.log(`  ${r.ok ? 'ok  ' : 'FAIL'}  ${r.name.padEnd(32)} ${String(r.passed).padStart(4)} passed ${String(r.failed).padStart(3)} failed  ${r.seconds.toFixed(1).padStart(6)} s${r.note ? `  ${r.note}` : ''}`);
    for (const f of r.failures || []) console.log(`        ${f}`);
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 || results.some((r) => !r.ok) ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  console.log('0 passed, 1 failed');
  process.exit(1);
});
