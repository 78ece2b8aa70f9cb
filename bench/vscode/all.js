#!/usr/bin/env node
// `npm run bench`: every benchmark, one after the other (never in parallel: they would skew
// each other's numbers on a small machine):
//   1. the core (bench/bench.ts → bench/results/core.*)
//   2. scaling (bench/scaling.ts), when that file exists
//   3. the real extension host (bench/vscode/run.js → bench/results/vscode.*)
// Arguments go to each (e.g. --quick for the core); --dry-run only prints the steps.
// Exit code: 1 if any failed.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const bench = path.resolve(__dirname, '..');
const dryRun = process.argv.includes('--dry-run');
const args = process.argv.slice(2).filter((a) => a !== '--dry-run');
const tsx = ['--expose-gc', '--max-old-space-size=8192', '--import', 'tsx'];
const steps = [
  ['core', [...tsx, path.join(bench, 'bench.ts'), ...args]],
  ...(fs.existsSync(path.join(bench, 'scaling.ts')) ? [['scaling', [...tsx, path.join(bench, 'scaling.ts'), ...args]]] : []),
  ['vscode', [path.join(bench, 'vscode', 'run.js'), ...args.filter((a) => a !== '--quick')]],
];
let failed = 0;
for (const [name, argv] of steps) {
  process.stderr.write(`\n[bench] ${name}: node ${argv.map((a) => path.relative(process.cwd(), a) || a).join(' ')}\n`);
  if (dryRun) continue;
  const r = spawnSync(process.execPath, argv, { cwd: path.join(bench, '..'), stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    process.stderr.write(`[bench] ${name} failed (${r.status ?? r.signal})\n`);
  }
}
process.exit(failed ? 1 : 0);
