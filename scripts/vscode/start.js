#!/usr/bin/env node
// Runs CiteLens on the sample workspace (`npm run sample`).
//   - Builds the extension (node esbuild.js).
//   - With a desktop `code` on PATH: `code --extensionDevelopmentPath=<repo> <workspace>` and exits.
//   - Otherwise (or with --server): starts code-server (installed on first use into
//     ~/.cache/citelens-vscode by scripts/vscode/install.js) with the extension loaded for
//     development, prints the address to open in a browser, and runs until Ctrl+C.
//
// Usage: node scripts/vscode/start.js [--workspace DIR] [--server] [--port N] [--host ADDR]
//                                     [--web] [--watch] [--check]
//   --workspace  folder to open (default examples/sample-workspace)
//   --server     use code-server even if `code` is on PATH
//   --port/--host  code-server's address (default 127.0.0.1 and a free port)
//   --web        run the extension's `browser` entry in the web-worker extension host
//   --watch      also rebuild on change (node esbuild.js --watch); reload the window to pick it up
//   --check      open the address in headless Chromium, open draft.tex (or the first .tex),
//                wait for CiteLens's status bar item, save .test-artifacts/sample.png, then exit
'use strict';

const fs = require('fs');
const path = require('path');
const { spawn, spawnSync } = require('child_process');

const repoRoot = path.resolve(__dirname, '..', '..');

/** The leading // comment of this file, as help text. */
function usage() {
  const lines = fs.readFileSync(__filename, 'utf8').split('\n').slice(1);
  const end = lines.findIndex((l) => !l.startsWith('//'));
  return lines.slice(0, end < 0 ? lines.length : end).map((l) => l.replace(/^\/\/ ?/, '')).join('\n');
}

function parseArgs(argv) {
  const o = { workspace: path.join(repoRoot, 'examples', 'sample-workspace'), server: false, port: 0, host: '127.0.0.1', web: false, watch: false, check: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => (a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i]);
    if (a.startsWith('--workspace')) o.workspace = path.resolve(val());
    else if (a.startsWith('--port')) o.port = Number(val());
    else if (a.startsWith('--host')) o.host = val();
    else if (a === '--server') o.server = true;
    else if (a === '--web') o.web = true;
    else if (a === '--watch') o.watch = true;
    else if (a === '--check') o.check = true;
    else if (a === '--help' || a === '-h') {
      console.log(usage());
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

function onPath(bin) {
  return (process.env.PATH || '').split(path.delimiter).some((d) => d && fs.existsSync(path.join(d, bin)));
}

function build() {
  console.log('[sample] building the extension: node esbuild.js');
  const r = spawnSync(process.execPath, ['esbuild.js'], { cwd: repoRoot, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('build failed');
}

async function check(server, workbenchOpts, pkg) {
  const { openWorkbench } = require('./server');
  const id = `${pkg.publisher}.${pkg.name}`;
  const wb = await openWorkbench(server, workbenchOpts);
  try {
    const tex = fs.existsSync(path.join(workbenchOpts.workspace, 'draft.tex'))
      ? 'draft.tex'
      : fs.readdirSync(workbenchOpts.workspace).find((f) => f.endsWith('.tex'));
    if (tex) await wb.openFile(tex);
    const item = wb.page.locator(`.statusbar-item[id^="${id}."]`).first();
    await item.waitFor({ state: 'visible', timeout: 60000 });
    // Give indexing a moment: wait (up to 30 s) until the item shows a non-zero number that
    // stays the same for 3 s.
    let last = '';
    let since = Date.now();
    for (const deadline = Date.now() + 30000; Date.now() < deadline; ) {
      const now = ((await item.textContent()) || '').trim();
      if (now !== last) {
        last = now;
        since = Date.now();
      } else if (/[1-9]/.test(now) && Date.now() - since >= 3000) break;
      await wb.page.waitForTimeout(250);
    }
    const text = (await item.textContent()).trim();
    const shot = await wb.screenshot(path.join(repoRoot, '.test-artifacts', 'sample.png'));
    console.log(`[sample] check passed: ${id} is active (status bar: "${text}"); screenshot ${path.relative(repoRoot, shot)}`);
    return true;
  } catch (e) {
    const shot = await wb.screenshot(path.join(repoRoot, '.test-artifacts', 'sample-failed.png')).catch(() => undefined);
    console.error(`[sample] check FAILED: no status bar item of ${id} (${e.message.split('\n')[0]})${shot ? `; screenshot ${path.relative(repoRoot, shot)}` : ''}`);
    return false;
  } finally {
    await wb.close();
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(opts.workspace)) throw new Error(`no workspace folder ${opts.workspace}`);
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  build();

  if (!opts.server && !opts.check && onPath('code')) {
    console.log(`[sample] desktop VS Code: code --extensionDevelopmentPath=${repoRoot} ${opts.workspace}`);
    const r = spawnSync('code', [`--extensionDevelopmentPath=${repoRoot}`, opts.workspace], { stdio: 'inherit' });
    process.exit(r.status ?? 1);
  }

  require('./install').ensureInstalled();
  const { startServer, workbenchUrl } = require('./server');
  let watcher;
  if (opts.watch) {
    watcher = spawn(process.execPath, ['esbuild.js', '--watch'], { cwd: repoRoot, stdio: 'inherit' });
  }
  const server = await startServer({
    host: opts.host,
    port: opts.port || undefined,
    folder: opts.workspace,
    // The payload's extensionDevelopmentKind is ignored by this workbench; this setting works.
    settings: opts.web ? { 'remote.extensionKind': { [`${pkg.publisher}.${pkg.name}`]: ['web'] } } : {},
  });
  const workbenchOpts = { workspace: opts.workspace, extensionDevelopmentPath: repoRoot, web: opts.web };
  const url = workbenchUrl(server, workbenchOpts);
  const stop = async (code) => {
    if (watcher) watcher.kill('SIGTERM');
    await server.stop();
    process.exit(code);
  };

  if (opts.check) {
    const ok = await check(server, workbenchOpts, pkg);
    await stop(ok ? 0 : 1);
    return;
  }

  console.log('');
  console.log(`[sample] CiteLens (development build) on ${path.relative(process.cwd(), opts.workspace) || opts.workspace}`);
  console.log('[sample] open this address in a browser (the payload loads the extension under development):');
  console.log('');
  console.log(`  ${url}`);
  console.log('');
  console.log(`[sample] code-server log: ${server.logFile}`);
  console.log('[sample] after rebuilding, run "Developer: Reload Window" in the browser. Ctrl+C stops.');
  process.once('SIGINT', () => stop(0));
  process.once('SIGTERM', () => stop(0));
  const { code, signal } = await server.exited;
  console.error(`[sample] code-server exited (${code ?? signal}); log: ${server.logFile}`);
  if (watcher) watcher.kill('SIGTERM');
  process.exit(1);
}

main().catch((e) => {
  console.error(`[sample] FAILED: ${e.message}`);
  process.exit(1);
});
