// Shared start-up of a real VS Code without internet access: code-server (installed by
// scripts/vscode/install.js) serving the web workbench, and Debian's Chromium (headless,
// driven by playwright-core) opening it. Used by scripts/vscode/run-tests.js (integration
// suites inside the extension host), scripts/vscode/start.js (manual runs) and UI tests:
//
//   const { startServer, openWorkbench } = require('../../scripts/vscode/server');
//   const server = await startServer();                          // fresh user-data-dir, free port
//   const wb = await openWorkbench(server, { workspace, extensionDevelopmentPath: repoRoot });
//   await wb.openFile('draft.tex');                               // quick open
//   await wb.page.keyboard.type('\\cite{');                       // the real editor
//   await wb.screenshot('.test-artifacts/x.png');
//   await wb.close(); await server.stop();
//
// Children are killed on stop(), on process exit and on SIGINT/SIGTERM.
'use strict';

const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const { spawn, spawnSync } = require('child_process');
const { paths, cleanEnv } = require('./install');

const repoRoot = path.resolve(__dirname, '..', '..');

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

const DEFAULT_SETTINGS = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'workbench.tips.enabled': false,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  // The web workbench defaults to afterDelay; desktop VS Code (and the tests' expectations) to off.
  'files.autoSave': 'off',
};

/** Live children, killed on exit, and temp dirs, removed on exit. */
const live = new Set();
const tmpDirs = new Set();
let hooksInstalled = false;
function installExitHooks() {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', () => {
    for (const child of live) killGroup(child, 'SIGKILL');
    for (const dir of tmpDirs) fs.rmSync(dir, { recursive: true, force: true });
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(sig, () => {
      for (const child of live) killGroup(child, 'SIGTERM');
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
}

function killGroup(child, signal) {
  if (!child.pid) return;
  try {
    process.kill(-child.pid, signal); // the whole process group (server, extension host, pty host, ...)
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* gone */
    }
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function checkInstalled() {
  const missing = [paths.nodeBin, paths.codeServerEntry, paths.chromium].filter((p) => !fs.existsSync(p));
  if (missing.length) {
    throw new Error(`missing ${missing.join(', ')}: run \`node scripts/vscode/install.js\` first`);
  }
}

/**
 * Starts code-server on a free 127.0.0.1 port with a fresh user-data-dir and extensions-dir.
 * Options:
 *   settings: extra user settings (merged over DEFAULT_SETTINGS)
 *   extensionSymlinks: absolute extension folders to link into the extensions dir (installed, not development)
 *   installExtensions: .vsix files installed into the fresh extensions dir with
 *                      `code-server --install-extension` before the server starts
 *   folder: workspace folder given on the command line (the URL's ?folder= decides for the page)
 *   port, host: listen address (default 127.0.0.1 and a free port)
 *   onOutput(line): receives each line the server prints (it always goes to <tmp>/server.log)
 *   startTimeoutMs: default 90 s
 *   userDataDir: use this user-data-dir (kept on stop) instead of a fresh one in the temp dir
 * Returns { url, port, host, tmpDir, userDataDir, extensionsDir, logFile, child, stop() }.
 */
async function startServer(opts = {}) {
  checkInstalled();
  installExitHooks();
  const host = opts.host || '127.0.0.1';
  const port = opts.port || (await freePort());
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'citelens-vscode-'));
  tmpDirs.add(tmpDir);
  // opts.userDataDir: reuse a profile across starts (the benchmark's warm run keeps the
  // extension's global storage); it is the caller's and is not removed on stop().
  const userDataDir = opts.userDataDir ? path.resolve(opts.userDataDir) : path.join(tmpDir, 'ud');
  const extensionsDir = path.join(tmpDir, 'ext');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  fs.writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...DEFAULT_SETTINGS, ...(opts.settings || {}) }, null, 2),
  );
  for (const ext of opts.extensionSymlinks || []) {
    const pkg = JSON.parse(fs.readFileSync(path.join(ext, 'package.json'), 'utf8'));
    fs.symlinkSync(ext, path.join(extensionsDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`), 'dir');
  }
  for (const vsix of opts.installExtensions || []) {
    const r = spawnSync(paths.nodeBin, [paths.codeServerEntry, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--install-extension', vsix], {
      env: { ...cleanEnv(), PATH: `${path.dirname(paths.nodeBin)}${path.delimiter}${process.env.PATH}` },
      encoding: 'utf8',
      timeout: 120000,
    });
    if (r.status !== 0) throw new Error(`code-server --install-extension ${vsix} failed (${r.status ?? r.signal ?? r.error}): ${r.stdout}${r.stderr}`);
  }
  const logFile = path.join(tmpDir, 'server.log');
  const logStream = fs.createWriteStream(logFile);

  const args = [
    paths.codeServerEntry,
    '--auth', 'none',
    '--bind-addr', `${host}:${port}`,
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    // Essential: without it the built workbench ignores the development options of the URL payload.
    '--vscode-option', 'enable-smoke-test-driver',
  ];
  if (opts.folder) args.push(opts.folder);

  const env = { ...cleanEnv(), PATH: `${path.dirname(paths.nodeBin)}${path.delimiter}${process.env.PATH}` };
  delete env.VSCODE_IPC_HOOK_CLI; // if started from a VS Code terminal, do not talk to that VS Code
  delete env.ELECTRON_RUN_AS_NODE;
  const child = spawn(paths.nodeBin, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  const url = `http://${host}:${port}/`;

  let exited = false;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = true;
      live.delete(child);
      resolve({ code, signal });
    });
  });

  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`code-server did not report listening within ${(opts.startTimeoutMs || 90000) / 1000} s (log: ${logFile})`)),
      opts.startTimeoutMs || 90000,
    );
    let buf = '';
    const onData = (data) => {
      logStream.write(data);
      buf += data.toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (opts.onOutput) opts.onOutput(line);
        if (line.includes('HTTP server listening on')) {
          clearTimeout(timer);
          resolve();
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    exitPromise.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited (${code ?? signal}) before listening; log: ${logFile}`));
    });
  });

  async function stop({ keepTmp = false } = {}) {
    if (!exited) {
      killGroup(child, 'SIGTERM');
      const t = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
      await exitPromise;
      clearTimeout(t);
      killGroup(child, 'SIGKILL'); // stragglers of the group (extension host, pty host)
    }
    live.delete(child);
    logStream.end();
    if (!keepTmp) fs.rmSync(tmpDir, { recursive: true, force: true });
    tmpDirs.delete(tmpDir);
  }

  try {
    await ready;
  } catch (e) {
    await stop({ keepTmp: true });
    throw e;
  }
  return { url, host, port, tmpDir, userDataDir, extensionsDir, logFile, child, stop, exited: exitPromise };
}

/** `vscode-remote://host:port/abs/path` for a path on the server machine. */
function remoteUri(server, absPath) {
  return `vscode-remote://${server.host}:${server.port}${path.resolve(absPath)}`;
}

/**
 * The workbench URL opening `workspace` with optional development options:
 *   extensionDevelopmentPath: the extension folder (loaded for development)
 *   extensionTestsPath: the bundle exporting run() (the workbench then runs it and exits)
 *   web: run the extension's `browser` entry in the web-worker extension host
 */
function workbenchUrl(server, { workspace, extensionDevelopmentPath, extensionTestsPath, web = false } = {}) {
  const payload = [];
  if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remoteUri(server, extensionDevelopmentPath)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', remoteUri(server, extensionTestsPath)]);
  if (web) payload.push(['extensionDevelopmentKind', 'web']);
  payload.push(['skipWelcome', 'true']);
  let url = server.url;
  const query = [];
  if (workspace) query.push(`folder=${encodeURIComponent(path.resolve(workspace)).replace(/%2F/g, '/')}`);
  query.push(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
  return `${url}?${query.join('&')}`;
}

/** Launches headless Debian Chromium through playwright-core. */
async function launchBrowser({ headless = true } = {}) {
  const { chromium } = require('playwright-core');
  return chromium.launch({ executablePath: paths.chromium, headless, args: CHROMIUM_ARGS });
}

/**
 * Opens the workbench in a new headless Chromium page.
 * Options: everything workbenchUrl takes, plus
 *   onExit(code): the workbench's codeAutomationExit (extension tests finished: 0 passed, else failed)
 *   onLog(type, text): the extension host's console output (codeAutomationLog)
 *   onConsole(msg): the page's own console messages
 *   viewport: { width, height } (default 1400x900)
 *   waitForWorkbench: wait until the workbench is rendered (default true)
 * Returns { browser, page, url, openFile(relPath), screenshot(file), close() }.
 */
async function openWorkbench(server, opts = {}) {
  const browser = await launchBrowser(opts);
  try {
    const context = await browser.newContext({ viewport: opts.viewport || { width: 1400, height: 900 } });
    const page = await context.newPage();
    if (opts.onConsole) page.on('console', opts.onConsole);
    await page.exposeFunction('codeAutomationExit', (code) => {
      if (opts.onExit) opts.onExit(code);
    });
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      if (opts.onLog) opts.onLog(type, formatLogArgs(args));
    });
    const url = workbenchUrl(server, opts);
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60000 });
    if (opts.waitForWorkbench !== false) {
      await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
    }
    const wb = {
      browser,
      page,
      url,
      /** Opens a workspace file through Quick Open (Ctrl+P) and waits for its editor tab. */
      async openFile(relPath) {
        await page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 } }).catch(() => {});
        await page.keyboard.press('Control+P');
        await page.waitForSelector('.quick-input-widget:not([style*="display: none"]) input', { timeout: 15000 });
        await page.keyboard.type(relPath);
        await page.waitForSelector('.quick-input-list .monaco-list-row', { timeout: 15000 });
        await page.keyboard.press('Enter');
        const base = path.basename(relPath);
        await page.waitForSelector(`.tabs-container .tab[aria-label*="${base}"]`, { timeout: 15000 });
        await page.waitForSelector('.editor-instance .monaco-editor .view-lines', { timeout: 15000 });
      },
      async screenshot(file) {
        fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
        await page.screenshot({ path: file });
        return file;
      },
      async close() {
        await Promise.race([browser.close(), new Promise((r) => setTimeout(r, 10000))]);
      },
    };
    return wb;
  } catch (e) {
    await Promise.race([browser.close(), new Promise((r) => setTimeout(r, 10000))]);
    throw e;
  }
}

function formatLogArgs(args) {
  if (Array.isArray(args)) return args.map((a) => (typeof a === 'string' ? a : safeJson(a))).join(' ');
  return typeof args === 'string' ? args : safeJson(args);
}

function safeJson(v) {
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

/**
 * Copies a workspace folder into the server's temp dir and returns the copy, so that tests may
 * create, edit and delete files freely, and runs at the same time do not see each other's files.
 */
function copyWorkspace(server, workspace) {
  const dest = path.join(server.tmpDir, 'ws', path.basename(path.resolve(workspace)));
  fs.cpSync(path.resolve(workspace), dest, {
    recursive: true,
    filter: (src) => !/[\\/](node_modules|\.git)$/.test(src),
  });
  return dest;
}

/** test/fixtures/workspace if it exists, else examples/sample-workspace. */
function defaultTestWorkspace() {
  const fixtures = path.join(repoRoot, 'test', 'fixtures', 'workspace');
  return fs.existsSync(fixtures) ? fixtures : path.join(repoRoot, 'examples', 'sample-workspace');
}

module.exports = {
  repoRoot,
  startServer,
  launchBrowser,
  openWorkbench,
  workbenchUrl,
  remoteUri,
  defaultTestWorkspace,
  copyWorkspace,
  CHROMIUM_ARGS,
  DEFAULT_SETTINGS,
};
