#!/usr/bin/env node
// End-to-end benchmark in the real extension host (code-server + headless Chromium, see
// scripts/vscode/server.js). A benchmark, not a test: one run, numbers out.
//
// Usage: node bench/vscode/run.js [--web] [--no-readers] [--no-both] [--profile] [--keep] [--timeout SECONDS] [--verbose]
//   1. prepares the workspaces (bench/vscode/prepare.ts): the ACL Anthology alone, and the ACL
//      Anthology + generated-90k.bib (90,000 entries, half with abstracts); paper.tex, paper.md, a query plan
//   2. builds the extension (node esbuild.js) and the in-host suite (bench/vscode/suite.ts)
//   3. reads the ACL file with our reader, bibtex-parse and latex-utensils (LaTeX Workshop's
//      parser) in child processes (bench/parse-worker.ts) for the side-by-side ratios
//   4. four workbench starts: ACL cold (fresh profile), ACL warm (the same profile again, so
//      whatever the extension stored survives; the edits are measured at its end), then both
//      collections cold and warm. A probe extension (bench/vscode/probe.ts, activation `*`)
//      starts the event-loop monitor before CiteLens activates.
//   5. writes bench/results/vscode.json and bench/results/vscode.md (or vscode-web.* with --web)
//   --web        the web-worker extension host instead of the Node one
//   --no-readers skip step 3 (keeps the previous ratios out of the output)
//   --keep       keep the temp dir (workspace, profile, logs)
//   --timeout    limit per workbench run (default 900 s)
//   --no-both    skip the two starts on both collections (ACL + 90,000 generated)
//   --profile    a CPU profile of the extension host until indexing is done (Node host); the
//                longest busy stretches by function go into the report (timings then include
//                the profiler's cost: use for the why, not for the numbers)
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { startServer, openWorkbench, repoRoot } = require('../../scripts/vscode/server');
const { summarise, longestOwn } = require('./profile');

const args = process.argv.slice(2);
const flag = (f) => args.includes(f);
const opt = (f, d) => {
  const i = args.indexOf(f);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : d;
};
const web = flag('--web');
const verbose = flag('--verbose');
const timeoutS = Number(opt('--timeout', 900));
const host = web ? 'web' : 'node';

const TARGETS = {
  // Issue 11's targets: the ACL Anthology alone unless stated.
  firstCompletionColdMs: 2000,
  firstCompletionWarmMs: 600,
  firstCompletionFromTexMs: 3000,
  firstCompletionBothColdMs: 4000,
  completionP95Ms: 20,
  hoverP95Ms: 10,
  editToCurrentMs: 700,
  eventLoopBlockMs: 50,
  rssGrowthMB: 250,
};

const log = (s) => process.stderr.write(`[bench:vscode] ${s}\n`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function readers(aclFile) {
  // Same worker and method as bench.ts: each reader in its own process, gc before each run.
  const runs = { citelens: 3, 'bibtex-parse': 3, 'latex-utensils': 1 };
  const out = [];
  for (const [reader, n] of Object.entries(runs)) {
    log(`reading the ACL Anthology with ${reader} ×${n}…`);
    try {
      const stdout = execFileSync(process.execPath, ['--expose-gc', '--max-old-space-size=8192', '--import', 'tsx', path.join(repoRoot, 'bench', 'parse-worker.ts'), reader, aclFile, String(n)], {
        cwd: repoRoot,
        encoding: 'utf8',
        maxBuffer: 1 << 20,
        timeout: 600_000,
      });
      const r = JSON.parse(stdout.trim().split('\n').pop());
      out.push({ reader, medianMs: Math.round(median(r.timesMs)), runsMs: r.timesMs.map(Math.round), peakRssMB: Math.round(r.maxRssMB), entries: r.entries, error: r.error });
    } catch (e) {
      out.push({ reader, error: String(e.message).slice(0, 300) });
    }
  }
  const ours = out.find((r) => r.reader === 'citelens');
  for (const r of out) r.timesOurs = ours && ours.medianMs && r.medianMs && !r.error ? Math.round((r.medianMs / ours.medianMs) * 10) / 10 : null;
  return out;
}

function dirSize(dir) {
  let files = 0;
  let bytes = 0;
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        files++;
        bytes += fs.statSync(p).size;
      }
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return { files, MB: Math.round((bytes / 1048576) * 10) / 10 };
}

async function workbenchRun(phase, { ws, userDataDir, suitePath, edits, persistWaitMs, memoryOnly = false, probe = [] }) {
  fs.writeFileSync(path.join(ws, '.bench', 'run.json'), JSON.stringify({ phase, edits, persistWaitMs, memoryOnly, profile: flag('--profile') }));
  const resultFile = path.join(ws, '.bench', `result-${phase}.json`);
  fs.rmSync(resultFile, { force: true });
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const server = await startServer({
    userDataDir,
    extensionSymlinks: probe,
    // As scripts/vscode/run-tests.js: code-server ignores the payload's extensionDevelopmentKind.
    settings: web ? { 'remote.extensionKind': { [`${pkg.publisher}.${pkg.name}`]: ['web'], 'citelens.citelens-bench-probe': ['web'] } } : {},
    onOutput: (line) => verbose && log(`[code-server] ${line}`),
  });
  let wb;
  const t0 = Date.now();
  try {
    const code = await new Promise((resolve) => {
      const timer = setTimeout(() => {
        log(`${phase}: TIMEOUT after ${timeoutS} s`);
        resolve('timeout');
      }, timeoutS * 1000);
      openWorkbench(server, {
        workspace: ws,
        extensionDevelopmentPath: repoRoot,
        extensionTestsPath: suitePath,
        web,
        waitForWorkbench: false,
        onExit: (c) => {
          clearTimeout(timer);
          resolve(c);
        },
        onLog: (type, text) => {
          if (verbose || text.startsWith('[bench') || /CiteLens|citelens/.test(text)) for (const l of text.split('\n')) log(`  ${l}`);
        },
        onConsole: (msg) => verbose && log(`[page] ${msg.text()}`),
      }).then(
        (w) => (wb = w),
        (e) => {
          clearTimeout(timer);
          log(`${phase}: could not open the workbench: ${e.message}`);
          resolve('no-workbench');
        },
      );
    });
    log(`${phase}: workbench exited (${code}) after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    if (wb) await wb.close().catch(() => {});
    await server.stop().catch(() => {});
  }
  if (!fs.existsSync(resultFile)) throw new Error(`${phase}: the suite wrote no result (${resultFile})`);
  const result = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
  if (result.profile) {
    const file = path.join(ws, '.bench', result.profile.file);
    try {
      // CiteLens's own bundles (dist/extension.js, dist/catalog-worker.js) live in the repository's dist/.
      const ownUrl = path.join(repoRoot, 'dist') + path.sep;
      result.profile.longestBusy = summarise(file, { stoppedAtEpochMs: result.profile.stoppedAtEpochMs, ownUrl });
      result.profile.longestCiteLens = longestOwn(file, { stoppedAtEpochMs: result.profile.stoppedAtEpochMs, ownUrl });
    } catch (e) {
      result.profile.error = e.message;
    }
  }
  return result;
}

// ---- Markdown ------------------------------------------------------------------------------

const get = (o, p) => p.split('.').reduce((x, k) => (x == null ? undefined : x[k]), o);
const ms = (v) => (v == null ? 'n/a' : `${v} ms`);
const verdict = (values, target) => {
  const vs = values.filter((v) => v != null);
  if (!vs.length) return 'not measured';
  return vs.every((v) => v <= target) ? '**met**' : '**missed**';
};

function markdown(results) {
  const { aclCold, aclWarm, cold, warm } = results.runs;
  const runs = [aclCold, aclWarm, cold, warm];
  const md = [];
  const date = results.date.slice(0, 16).replace('T', ' ');
  md.push(`# CiteLens in the real extension host (${results.host} host; ${date} UTC; ${results.machine.cpus} cores, load before the run ${results.machine.loadavg})`, '');
  md.push(`Code: ${results.commit || 'unknown commit'}. Workspaces: ACL alone = \`acl-anthology.bib\`; both = ${results.workspace.files.map((f) => `\`${f.file}\` (${(f.bytes / 1e6).toFixed(1)} MB, ${f.entries.toLocaleString('en-US')} entries)`).join(' + ')}; VS Code = code-server ${results.vscode || ''} in headless Chromium. Times are from: ${get(aclCold, 'origin') ?? cold.origin}. Cold = fresh profile (no cache); warm = the same profile started again.`, '');
  md.push('| metric | target | ACL cold | ACL warm | both cold | both warm | |', '|---|---|---|---|---|---|---|');
  const row = (name, target, pick, judge) => {
    const cells = runs.map((r) => (r ? pick(r) : 'not run'));
    md.push(`| ${name} | ${target} | ${cells.join(' | ')} | ${judge ?? ''} |`);
  };
  const n = (r, p) => get(r, p);
  row('activation (`activate()` start → return)', '—', (r) => ms(n(r, 'activation.activateMs')));
  const fc = (r) => n(r, 'firstCompletion.msFromOrigin');
  row('activation → first completion returning a known key', 'ACL ≤ 2 s cold, ≤ 0.6 s warm; both ≤ 4 s cold', (r) => ms(fc(r)),
    `ACL cold ${verdict([fc(aclCold)], TARGETS.firstCompletionColdMs)}, ACL warm ${verdict([fc(aclWarm)], TARGETS.firstCompletionWarmMs)}, both cold ${verdict([fc(cold)], TARGETS.firstCompletionBothColdMs)}`);
  const ft = (r) => n(r, 'firstCompletion.msFromTexOpen');
  row('opening `paper.tex` → first completion (fresh profile = cold)', '≤ 3 s (ACL, cold)', (r) => ms(ft(r)), verdict([ft(aclCold)], TARGETS.firstCompletionFromTexMs));
  row('activation → `whenReady()` (every collection read and indexed)', '—', (r) => ms(n(r, 'indexing.whenReadyMs')));
  row('completion p50 / p95 (200 queries, `executeCompletionItemProvider`)', '≤ 20 ms (p95)', (r) => `${ms(n(r, 'completion.p50'))} / ${ms(n(r, 'completion.p95'))}`, verdict([n(aclCold, 'completion.p95'), n(aclWarm, 'completion.p95')], TARGETS.completionP95Ms));
  row('completion provider time p50 / p95 (inside the extension)', '—', (r) => `${ms(n(r, 'completion.provider.p50'))} / ${ms(n(r, 'completion.provider.p95'))}`);
  row('hover p50 / p95 (200 keys, `executeHoverProvider`)', '≤ 10 ms (p95)', (r) => `${ms(n(r, 'hover.p50'))} / ${ms(n(r, 'hover.p95'))}`, verdict([n(aclCold, 'hover.p95'), n(aclWarm, 'hover.p95')], TARGETS.hoverP95Ms));
  row('hover provider time p50 / p95 (formatted reference included)', '≤ 10 ms (p95, issue 14)', (r) => `${ms(n(r, 'hover.provider.p50'))} / ${ms(n(r, 'hover.provider.p95'))}`, verdict([n(aclCold, 'hover.provider.p95'), n(aclWarm, 'hover.provider.p95')], TARGETS.hoverP95Ms));
  row('longest event-loop block of the extension host while reading and indexing', '≤ 50 ms', (r) => ms(n(r, 'eventLoopWhileIndexing.maxBlockMs')), verdict(runs.map((r) => n(r, 'eventLoopWhileIndexing.maxBlockMs')), TARGETS.eventLoopBlockMs));
  const growth = (r) => {
    const after = n(r, 'memory.afterIndexingAfterGc.rssMB') ?? n(r, 'memory.afterIndexing.rssMB');
    const base = n(r, 'memory.atProbe.rssMB');
    return after == null || base == null ? null : after - base;
  };
  row('extension host RSS growth since before CiteLens activated (workers included), after gc', '≤ 250 MB (ACL)', (r) => (growth(r) == null ? 'n/a' : `${growth(r)} MB (rss ${n(r, 'memory.afterIndexingAfterGc.rssMB') ?? n(r, 'memory.afterIndexing.rssMB')} MB)`), verdict([growth(aclCold), growth(aclWarm)], TARGETS.rssGrowthMB));
  row('extension host heap after indexing, after gc', '—', (r) => ms(n(r, 'memory.afterIndexingAfterGc.heapUsedMB')).replace(' ms', ' MB'));
  row('catalog heap (its thread)', '—', (r) => (n(r, 'memory.catalog') && n(r, 'memory.catalog.heapUsedMB') >= 0 ? `${n(r, 'memory.catalog.heapUsedMB')} MB used / ${n(r, 'memory.catalog.heapTotalMB')} MB (${n(r, 'memory.catalog.thread')})` : 'n/a'));
  const ed = aclWarm ?? warm;
  md.push('');
  md.push('**Edits** (ACL warm run, after the latency series):', '');
  md.push('| metric | target | value | |', '|---|---|---|---|');
  const erow = (name, target, v, t) => md.push(`| ${name} | ${target} | ${v} | ${t == null ? '' : verdict([typeof v === 'string' ? parseFloat(v) : v], t)} |`);
  erow('file written on disk (`workspace.fs.writeFile` start → completion finds the new title word)', '≤ 0.7 s', ms(get(ed, 'editToCurrent.disk.msFromWriteStart')), TARGETS.editToCurrentMs);
  erow('… of which `writeFile` itself', '—', ms(get(ed, 'editToCurrent.disk.writeFileMs')));
  erow('longest event-loop block while re-reading after the disk edit', '≤ 50 ms', ms(get(ed, 'editToCurrent.disk.eventLoop.maxBlockMs')), TARGETS.eventLoopBlockMs);
  erow('open document edited + saved (`save()` start → completion current)', '≤ 0.7 s', ms(get(ed, 'editToCurrent.editor.msFromSaveStart')), TARGETS.editToCurrentMs);
  erow('… `save()` itself', '—', ms(get(ed, 'editToCurrent.editor.saveMs')));
  erow('… `save()` of the same 50 MB text as a `.txt` (a file CiteLens does not read)', '—', ms(get(ed, 'editToCurrent.editor.plainTextSaveMs')));
  erow('open document: edit → completion current (CiteLens reads the unsaved buffer)', '—', ms(get(ed, 'editToCurrent.editor.msFromEdit')));
  erow('longest event-loop block after the document edit', '≤ 50 ms', ms(get(ed, 'editToCurrent.editor.eventLoop.maxBlockMs')), TARGETS.eventLoopBlockMs);
  md.push('');
  const profiled = runs.filter((r) => r && r.profile && r.profile.longestBusy);
  if (profiled.length) {
    md.push('**Profile** (`--profile`: CPU profile of the extension host until indexing was done; the longest busy stretches of its thread, by function with callers):', '');
    for (const r of profiled) {
      const o = r.profile.longestCiteLens;
      if (o) md.push(`- ${r.phase}: the longest stretch with CiteLens's code running in the host: **${o.ms} ms**${o.startEpochMs == null ? '' : `, from ${o.startEpochMs - r.profile.originEpochMs} ms after activation`}`);
      for (const b of r.profile.longestBusy) {
        md.push(`- ${r.phase}: ${b.ms} ms busy (CiteLens's code on the stack: ${b.citelensMs} ms)${b.startEpochMs == null ? '' : `, from ${b.startEpochMs - r.profile.originEpochMs} ms after activation`}: ${b.top.map((t) => `${t.share}% \`${t.where}\``).join('; ')}`);
      }
    }
    md.push('');
  }
  md.push(`Event-loop monitor coverage: ${runs.filter(Boolean).map((r) => `${r.phase ?? ''} ${lagCoverage(r)}`).join('; ')}.`);
  if (results.globalStorageAfterCold) md.push(`Cache: after the ACL cold run the extension's global storage held ${results.globalStorageAfterCold.files} file(s), ${results.globalStorageAfterCold.MB} MB.`);
  md.push(`Completion found the entry a query was drawn from in its top 20 for ${get(aclWarm, 'completion.sourceEntryInTop20')}/200 queries (ACL warm run); per kind p95: ${Object.entries(get(aclWarm, 'completion.byKind') || {}).map(([k, v]) => `${k} ${v.p95} ms`).join(', ')}.`);
  if (results.readers) {
    md.push('', '**Reading the ACL Anthology, side by side** (each reader in its own Node process, outside VS Code):', '');
    md.push('| reader | median | runs | peak RSS | entries | × ours |', '|---|---|---|---|---|---|');
    for (const r of results.readers) md.push(r.error && !r.medianMs ? `| ${r.reader} | failed: ${r.error.slice(0, 80)} | | | | |` : `| ${r.reader} | ${r.medianMs} ms | ${r.runsMs.join(', ')} | ${r.peakRssMB} MB | ${r.entries.toLocaleString('en-US')}${r.error ? ` (threw: ${r.error.slice(0, 60)})` : ''} | ${r.timesOurs}× |`);
  }
  const notes = [...new Set(runs.filter(Boolean).flatMap((r) => r.notes || []))];
  md.push('', '**Caveats.**', '');
  for (const x of [...results.caveats, ...notes]) md.push(`- ${x}`);
  return md.join('\n') + '\n';
}

function lagCoverage(r) {
  const s = get(r, 'activation.activateStartToLagMonitorStartMs');
  const by = get(r, 'activation.lagMonitorStartedBy');
  const active = get(r, 'activation.citelensActiveWhenMonitorStarted');
  const at = get(r, 'activation.lagMonitorStartedAtMs');
  if (s == null) return `started by the ${by} ${active ? 'after' : 'before'} CiteLens was active (${at == null ? '?' : at <= 0 ? `${-at} ms before` : `${at} ms after`} the time origin)`;
  return s <= 0 ? `started by the ${by} ${-s} ms before activation (all covered)` : `started by the ${by} ${s} ms after activation started (the first ${s} ms are not covered)`;
}

// ---- main ----------------------------------------------------------------------------------

async function main() {
  const started = Date.now();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'citelens-bench-vscode-'));
  const ws = path.join(work, 'ws');
  const userDataDir = path.join(work, 'ud');
  fs.mkdirSync(ws, { recursive: true });
  const loadavg = os.loadavg().map((x) => x.toFixed(2)).join(' ');
  try {
    log(`preparing the workspace in ${ws}…`);
    const prep = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'prepare.ts'), ws], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 1 << 20 }).trim().split('\n').pop());

    log('building the extension and the bench suite…');
    execFileSync(process.execPath, ['esbuild.js'], { cwd: repoRoot, stdio: 'inherit' });
    const suitePath = path.join(repoRoot, 'out', 'bench', 'vscode', web ? 'suite.web.js' : 'suite.js');
    await require('esbuild').build({
      entryPoints: [path.join(__dirname, 'suite.ts')],
      outfile: suitePath,
      bundle: true,
      format: 'cjs',
      // v8/vm: only tried at run time (a gc in the Node host); absent in the web-worker host.
      external: ['vscode', 'v8', 'vm'],
      platform: web ? 'browser' : 'node',
      target: web ? 'es2022' : 'node18',
      logLevel: 'warning',
    });

    // The probe extension: starts the event-loop monitor before CiteLens activates (installed,
    // not in development; it runs in the same host as CiteLens, see the settings in workbenchRun).
    const probeDir = path.join(repoRoot, 'out', 'bench', 'vscode', 'probe');
    fs.mkdirSync(probeDir, { recursive: true });
    fs.writeFileSync(path.join(probeDir, 'package.json'), JSON.stringify({ name: 'citelens-bench-probe', publisher: 'citelens', version: '0.0.1', engines: { vscode: '^1.100.0' }, activationEvents: ['*'], main: './probe.js', browser: './probe.web.js' }, null, 1));
    for (const [outfile, platform, target] of [['probe.js', 'node', 'node18'], ['probe.web.js', 'browser', 'es2022']]) {
      await require('esbuild').build({ entryPoints: [path.join(__dirname, 'probe.ts')], outfile: path.join(probeDir, outfile), bundle: true, format: 'cjs', external: ['vscode'], platform, target, logLevel: 'warning' });
    }
    const probe = [probeDir];

    const readerResults = flag('--no-readers') ? undefined : readers(path.join(ws, 'acl-anthology.bib'));

    // The targets are for the ACL Anthology alone: a fresh profile on it, then the same profile
    // again (cache present) with the edits at the end; then both collections, cold and warm.
    const wsAcl = path.join(work, 'ws-acl');
    fs.mkdirSync(wsAcl, { recursive: true });
    execFileSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'prepare.ts'), wsAcl, '--acl-only'], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 1 << 20 });
    const udAcl = path.join(work, 'ud-acl');
    log(`ACL cold run (${host} host, fresh profile)…`);
    const aclCold = await workbenchRun('acl-cold', { ws: wsAcl, userDataDir: udAcl, suitePath, edits: false, persistWaitMs: 5000, probe });
    const storageDir = path.join(aclCold.globalStorageRoot || path.join(udAcl, 'User', 'globalStorage'), 'citelens.citelens');
    const globalStorageAfterCold = { dir: path.relative(work, storageDir), ...dirSize(storageDir) };
    log(`global storage after the ACL cold run: ${JSON.stringify(globalStorageAfterCold)}`);
    log(`ACL warm run (${host} host, same profile, edits at the end)…`);
    const aclWarm = await workbenchRun('acl-warm', { ws: wsAcl, userDataDir: udAcl, suitePath, edits: true, persistWaitMs: 0, probe });
    let cold;
    let warm;
    if (!flag('--no-both')) {
      log(`both collections, cold run (${host} host, fresh profile)…`);
      cold = await workbenchRun('cold', { ws, userDataDir, suitePath, edits: false, persistWaitMs: 5000, probe });
      log(`both collections, warm run (${host} host, same profile)…`);
      warm = await workbenchRun('warm', { ws, userDataDir, suitePath, edits: false, persistWaitMs: 0, probe });
    }

    let vscodeVersion;
    try {
      vscodeVersion = JSON.parse(fs.readFileSync(path.join(require('../../scripts/vscode/install').paths.codeServerDir, 'package.json'), 'utf8')).version;
    } catch {
      /* unknown */
    }
    const results = {
      date: new Date(started).toISOString(),
      host,
      vscode: vscodeVersion,
      machine: { cpus: os.cpus().length, loadavg, loadavgAfter: os.loadavg().map((x) => x.toFixed(2)).join(' '), node: process.version },
      targets: TARGETS,
      workspace: prep,
      globalStorageAfterCold,
      readers: readerResults,
      commit: (() => { try { return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim() + (execFileSync('git', ['status', '--porcelain', 'src'], { cwd: repoRoot, encoding: 'utf8' }).trim() ? ' (with uncommitted changes in src/)' : ''); } catch { return undefined; } })(),
      runs: { aclCold, aclWarm, cold, warm },
      caveats: [
        `${os.cpus().length} cores shared with other work (load average ${loadavg} before the run, ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} after): the numbers are noisy, one run each; compare runs made under similar load only.`,
        'Completion and hover latencies are `vscode.executeCompletionItemProvider`/`executeHoverProvider` calls from the extension host: each goes to the workbench (in Chromium, over the code-server connection) and back to the provider, so they include that round trip; a user typing sees the same path plus rendering.',
        'The event-loop monitor is a 5 ms timer in the extension host (lateness of each tick). A probe extension installed for the run in the same host (activation event `*`, handled before `workspaceContains`) starts it; without the probe it would start when the bench module loads, after the startup activations. It runs until `whenReady()` plus 2 s without `onDidChange`, and sees any block of the host, not only CiteLens\'s.',
        'Memory is `process.memoryUsage()` of the whole extension host process (built-in extensions and the bench code included; worker threads count in rss), after a gc enabled at run time (`v8.setFlagsFromString`). Growth is measured from the probe extension\'s reading before CiteLens activated.',
        'Edit-to-current is measured once, at the end of the ACL warm run; the open-document case edits the buffer and saves at once (an extension that re-reads unsaved buffers may be current before the save).',
        'Reader ratios read the ACL file outside VS Code, medians of 3 runs (latex-utensils: 1 run).',
      ],
    };
    const suffix = web ? 'vscode-web' : 'vscode';
    const dir = path.join(__dirname, '..', 'results');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${suffix}.json`), JSON.stringify(results, null, 2) + '\n');
    const md = markdown(results);
    fs.writeFileSync(path.join(dir, `${suffix}.md`), md);
    process.stdout.write(md);
    log(`wrote bench/results/${suffix}.json and .md in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    if (flag('--keep')) log(`kept ${work}`);
    else fs.rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    log(`FAILED: ${e.stack || e.message}`);
    process.exit(1);
  },
);
