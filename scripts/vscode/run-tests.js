#!/usr/bin/env node
// Runs the integration suites inside the real VS Code extension host offline: code-server +
// headless Debian Chromium (see shared/notes/real-vscode-offline.md).
//
// Usage: node scripts/vscode/run-tests.js [--web | --vsix] [--workspace DIR] [--timeout SECONDS] [--verbose]
//   default   Node extension host, tests out/test/integration/index.js, the extension's `main`
//   --web     web-worker extension host, tests out/test/integration/index.web.js, the extension's `browser`
//   --vsix    packages the VSIX (vsce), installs it with `code-server --install-extension` into the
//             run's fresh extensions dir and runs out/test/integration/index.vsix.js against that
//             installed copy: the repository is not loaded (a do-nothing probe extension hosts the tests)
//   --workspace  folder to open (default test/fixtures/workspace, else examples/sample-workspace);
//                the tests get a fresh copy of it in the run's temp dir (--in-place: the folder itself)
//   --timeout    overall limit (default 300 s, env CITELENS_TEST_TIMEOUT); then everything is killed
//   --verbose    also print code-server's output and the page's console
// Prerequisites: node esbuild.js && node scripts/build-tests.js && node scripts/vscode/install.js
// Exit code: the suites' (0 all passed, 1 some failed), 1 on timeout or start-up failure.
// On failure a screenshot and the logs go to .test-artifacts/.
'use strict';

const fs = require('fs');
const path = require('path');
const { startServer, openWorkbench, repoRoot, defaultTestWorkspace, copyWorkspace } = require('./server');

// Workbench chatter relayed through codeAutomationLog that says nothing about the suites
// (connections, an offline marketplace, sign-in providers). Printed only with --verbose;
// always kept in the .test-artifacts page log on failure.
const NOISE = [
  /^Resolv(ing|ed) connection token/,
  /^Creating a socket/,
  /^\[reconnection-grace-time\]/,
  /^Updating additional builtin extensions cache/,
  /^\[Service Worker\]/,
  /^\[AgentHost/,
  /^\[AccountPolicyGate\]/,
  /ENOTFOUND|ECONNREFUSED|EAI_AGAIN|Failed to fetch/,
  /^Timed out waiting for authentication provider/,
  /^potential listener LEAK detected/,
];
const isNoise = (text) => NOISE.some((re) => re.test(text));

/** The leading // comment of this file, as help text. */
function usage() {
  const lines = fs.readFileSync(__filename, 'utf8').split('\n').slice(1);
  const end = lines.findIndex((l) => !l.startsWith('//'));
  return lines.slice(0, end < 0 ? lines.length : end).map((l) => l.replace(/^\/\/ ?/, '')).join('\n');
}

function parseArgs(argv) {
  const o = { web: false, vsix: false, inPlace: false, workspace: undefined, timeout: Number(process.env.CITELENS_TEST_TIMEOUT) || 300, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (a.includes('=')) return a.slice(a.indexOf('=') + 1);
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--web') o.web = true;
    else if (a === '--vsix') o.vsix = true;
    else if (a === '--verbose' || a === '-v') o.verbose = true;
    else if (a === '--in-place') o.inPlace = true;
    else if (a.startsWith('--workspace')) o.workspace = path.resolve(val());
    else if (a.startsWith('--timeout')) o.timeout = Number(val());
    else if (a === '--help' || a === '-h') {
      console.log(usage());
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.web && opts.vsix) throw new Error('--web and --vsix are exclusive');
  const host = opts.web ? 'web' : opts.vsix ? 'vsix' : 'node';
  const tag = `[run-tests:${host}]`;
  const workspace = opts.workspace || defaultTestWorkspace();
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  let vsixStage;
  if (opts.vsix) {
    const vsix = require('./vsix');
    const outDir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'citelens-vsix-'));
    const t = Date.now();
    const packed = vsix.packageVsix(outDir);
    console.log(`${tag} packaged ${path.basename(packed.vsix)} (${fs.statSync(packed.vsix).size} bytes) in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    vsixStage = { ...packed, outDir, testsPath: vsix.buildVsixTests(), probeDir: path.join(outDir, 'probe'), makeProbe: vsix.makeProbe };
  }
  const testsPath = vsixStage ? vsixStage.testsPath : path.join(repoRoot, 'out', 'test', 'integration', opts.web ? 'index.web.js' : 'index.js');
  const entry = opts.vsix ? undefined : opts.web ? pkg.browser : pkg.main;
  for (const [what, p] of [
    ['workspace', workspace],
    ['test bundle (node scripts/build-tests.js)', testsPath],
    ...(entry ? [[`extension bundle ${entry} (node esbuild.js)`, path.join(repoRoot, entry)]] : []),
  ]) {
    if (!fs.existsSync(p)) throw new Error(`${what} not found: ${p}`);
  }
  if (!entry && !opts.vsix) console.log(`${tag} warning: package.json has no "${opts.web ? 'browser' : 'main'}" entry; the extension will have no code in this host`);

  const artifacts = path.join(repoRoot, '.test-artifacts');
  const stamp = `${host}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  const t0 = Date.now();
  const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
  console.log(`${tag} workspace ${path.relative(repoRoot, workspace) || '.'}, tests ${path.relative(repoRoot, testsPath)}`);

  let server;
  let wb;
  const pageLog = [];
  let finished = false;

  async function saveArtifacts(reason) {
    try {
      fs.mkdirSync(artifacts, { recursive: true });
      if (wb) {
        const shot = path.join(artifacts, `${stamp}.png`);
        await Promise.race([wb.page.screenshot({ path: shot }), new Promise((_, r) => setTimeout(() => r(new Error('screenshot timed out')), 10000))]);
        console.log(`${tag} screenshot: ${path.relative(repoRoot, shot)}`);
      }
      if (server && fs.existsSync(server.logFile)) fs.copyFileSync(server.logFile, path.join(artifacts, `${stamp}-server.log`));
      fs.writeFileSync(path.join(artifacts, `${stamp}-page.log`), `${reason}\n${pageLog.join('\n')}\n`);
      console.log(`${tag} logs: .test-artifacts/${stamp}-server.log, .test-artifacts/${stamp}-page.log`);
    } catch (e) {
      console.log(`${tag} could not save artifacts: ${e.message}`);
    }
  }

  let getWorkbench = async () => wb;
  async function cleanup() {
    const w = wb || (await getWorkbench());
    if (w) await w.close().catch(() => {});
    if (server) await server.stop().catch(() => {});
  }

  const timeoutMs = opts.timeout * 1000;
  const timer = setTimeout(async () => {
    if (finished) return;
    finished = true;
    console.error(`${tag} TIMEOUT: the suites did not finish within ${opts.timeout} s; killing code-server and chromium`);
    await saveArtifacts(`timeout after ${opts.timeout} s`);
    // Whatever hangs, exit: the exit hooks kill code-server's process group, playwright kills chromium.
    setTimeout(() => process.exit(1), 15000).unref();
    await cleanup();
    process.exit(1);
  }, timeoutMs);

  let exitCode;
  try {
    server = await startServer({
      settings: opts.web
        ? {
            // code-server 4.139's browser workbench ignores the payload's extensionDevelopmentKind
            // (it reads environmentService.extensionDevelopmentKind, the browser service only has
            // extensionDevelopmentLocationKind), so the extension would run in the remote Node host.
            // This user setting makes the extension run in the web-worker host (its `browser` entry);
            // the tests then run where the extension under development runs.
            'remote.extensionKind': { [`${pkg.publisher}.${pkg.name}`]: ['web'] },
          }
        : {},
      installExtensions: vsixStage ? [vsixStage.vsix] : [],
      onOutput: (line) => {
        if (opts.verbose) console.log(`[code-server] ${line}`);
      },
    });
    console.log(`${tag} code-server listening on ${server.url} after ${elapsed()}`);
    if (vsixStage) {
      vsixStage.makeProbe(vsixStage.probeDir, { extensionsDir: fs.realpathSync(server.extensionsDir), repoRoot: fs.realpathSync(repoRoot), version: pkg.version });
      console.log(`${tag} installed into ${server.extensionsDir}: ${fs.readdirSync(server.extensionsDir).filter((n) => !n.startsWith('.') && n !== 'extensions.json').join(', ')}`);
    }
    const folder = opts.inPlace ? workspace : copyWorkspace(server, workspace);

    let wbPromise;
    const done = new Promise((resolve) => {
      const exitOnce = (code) => resolve(typeof code === 'number' ? code : 1);
      wbPromise = openWorkbench(server, {
        workspace: folder,
        extensionDevelopmentPath: vsixStage ? vsixStage.probeDir : repoRoot,
        extensionTestsPath: testsPath,
        web: opts.web,
        waitForWorkbench: false,
        onExit: exitOnce,
        onLog: (type, text) => {
          pageLog.push(`[exthost:${type}] ${text}`);
          // Extension host output: the harness's lines and anything the extension logs.
          if (!opts.verbose && isNoise(text)) return;
          for (const line of text.split('\n')) console.log(line);
        },
        onConsole: (msg) => {
          const line = `[page:${msg.type()}] ${msg.text()}`;
          pageLog.push(line);
          if (opts.verbose) console.log(line);
        },
      });
      wbPromise
        .then((w) => {
          wb = w;
          console.log(`${tag} workbench opened after ${elapsed()}`);
          w.page.on('crash', () => {
            console.error(`${tag} the workbench page crashed`);
            resolve(1);
          });
        })
        .catch((e) => {
          console.error(`${tag} could not open the workbench: ${e.message}`);
          resolve(1);
        });
      server.exited.then(({ code, signal }) => {
        if (finished) return; // stopped by us
        console.error(`${tag} code-server exited unexpectedly (${code ?? signal})`);
        resolve(1);
      });
    });
    // If the suites finish before openWorkbench() returns, close the browser all the same.
    getWorkbench = () => Promise.race([wbPromise.catch(() => undefined), new Promise((r) => setTimeout(r, 10000))]);
    exitCode = await done;
    if (finished) return; // the timeout handler owns the exit
    console.log(`${tag} workbench reported exit code ${exitCode} after ${elapsed()}`);
    if (exitCode !== 0) await saveArtifacts(`exit code ${exitCode}`);
  } catch (e) {
    if (finished) return;
    console.error(`${tag} FAILED: ${e.message}`);
    await saveArtifacts(e.stack || e.message);
    exitCode = 1;
  }
  finished = true;
  clearTimeout(timer);
  await cleanup();
  if (vsixStage) fs.rmSync(vsixStage.outDir, { recursive: true, force: true });
  process.exit(exitCode);
}

main().catch((e) => {
  console.error(`[run-tests] FAILED: ${e.message}`);
  process.exit(1);
});
