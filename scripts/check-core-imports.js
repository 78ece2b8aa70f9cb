#!/usr/bin/env node
// Enforces the core's rule: src/core imports neither `vscode` nor Node built-ins, nor code
// outside src/core, so it runs in plain Node, the desktop and the web-worker hosts alike.
// It also bans Node-only globals (process, Buffer, require, __dirname).
const fs = require('fs');
const path = require('path');
const { builtinModules } = require('module');

const coreDir = path.join(__dirname, '..', 'src', 'core');
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const problems = [];

for (const name of fs.readdirSync(coreDir)) {
  if (!name.endsWith('.ts')) continue;
  const file = path.join(coreDir, name);
  const text = fs.readFileSync(file, 'utf8');
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:\\])\/\/.*$/gm, '$1');
  const importRe = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|require\s*\(\s*['"]([^'"]+)['"]\s*\)/g;
  let m;
  while ((m = importRe.exec(code))) {
    const spec = m[1] || m[2] || m[3];
    const line = code.slice(0, m.index).split('\n').length;
    if (spec === 'vscode') problems.push(`${name}:${line}: imports 'vscode'`);
    else if (builtins.has(spec)) problems.push(`${name}:${line}: imports Node built-in '${spec}'`);
    else if (spec.startsWith('.') && !path.resolve(coreDir, spec).startsWith(coreDir)) problems.push(`${name}:${line}: imports '${spec}' from outside src/core`);
  }
  const globalRe = /\b(process|Buffer|__dirname|__filename|require)\s*[.(]/g;
  while ((m = globalRe.exec(code))) {
    const line = code.slice(0, m.index).split('\n').length;
    problems.push(`${name}:${line}: uses the Node-only global '${m[1]}'`);
  }
}

if (problems.length) {
  console.error(`src/core must stay free of vscode and Node APIs:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('src/core: no vscode or Node imports');
