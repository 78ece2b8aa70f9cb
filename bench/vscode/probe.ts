/**
 * A tiny extension installed next to CiteLens for the benchmark only: it activates on `*`,
 * which VS Code handles before `workspaceContains` activations, and starts the event-loop
 * monitor there, so the monitor covers CiteLens's activation and first read (a test module
 * loads only after the startup activations). The suite (suite.ts) picks the monitor up.
 */
import * as vscode from 'vscode';
import { LagMonitor, Probe } from './lag';

export function activate(context: vscode.ExtensionContext): void {
  const monitor = new LagMonitor().start();
  const mb = (x: number) => Math.round(x / 1048576);
  const m = typeof process !== 'undefined' && process.memoryUsage ? process.memoryUsage() : undefined;
  const probe: Probe = {
    activatedAt: monitor.startedAt,
    monitor,
    citelensActive: !!vscode.extensions.getExtension('citelens.citelens')?.isActive,
    memory: m && { rssMB: mb(m.rss), heapUsedMB: mb(m.heapUsed), heapTotalMB: mb(m.heapTotal), externalMB: mb(m.external), arrayBuffersMB: mb(m.arrayBuffers) },
  };
  // Where global storage lives in this host (run.js reports CiteLens's folder there).
  probe.globalStorageRoot = vscode.Uri.joinPath(context.globalStorageUri, '..').fsPath;
  // Without exports.timings, when CiteLens's activate() returned, to within a poll (5 ms) and
  // whatever blocks the loop at that moment.
  const citelens = vscode.extensions.getExtension('citelens.citelens');
  const poll = (): void => {
    if (citelens?.isActive) probe.citelensActiveObservedAt = Date.now();
    else setTimeout(poll, 5);
  };
  if (!probe.citelensActive) poll();
  probe.profiler = startProfilerIfAsked();
  (globalThis as { __citelensBenchProbe?: Probe }).__citelensBenchProbe = probe;
}

export function deactivate(): void {}

/**
 * `run.js --profile` (Node host only): a CPU profile of this thread from here on, through
 * the inspector in-process, so what blocks the host while reading shows by function.
 */
function startProfilerIfAsked(): Probe['profiler'] {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder || typeof process === 'undefined') return undefined;
  try {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const fs = require('fs') as typeof import('fs');
    const inspector = require('inspector') as typeof import('inspector');
    /* eslint-enable @typescript-eslint/no-require-imports */
    const config = JSON.parse(fs.readFileSync(vscode.Uri.joinPath(folder.uri, '.bench', 'run.json').fsPath, 'utf8')) as { profile?: boolean };
    if (!config.profile) return undefined;
    const session = new inspector.Session();
    session.connect();
    const post = (method: string, params?: object) =>
      new Promise<unknown>((resolve, reject) => session.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result))));
    void post('Profiler.enable').then(() => post('Profiler.setSamplingInterval', { interval: 500 })).then(() => post('Profiler.start'));
    return {
      stop: async () => {
        const result = (await post('Profiler.stop')) as { profile: unknown };
        session.disconnect();
        return result.profile;
      },
    };
  } catch {
    return undefined;
  }
}
