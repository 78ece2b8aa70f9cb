/**
 * A tiny extension installed next to CiteLens for the benchmark only: it activates on `*`,
 * which VS Code handles before `workspaceContains` activations, and starts the event-loop
 * monitor there, so the monitor covers CiteLens's activation and first read (a test module
 * loads only after the startup activations). The suite (suite.ts) picks the monitor up.
 */
import * as vscode from 'vscode';
import { LagMonitor, Probe } from './lag';

export function activate(): void {
  const monitor = new LagMonitor().start();
  const mb = (x: number) => Math.round(x / 1048576);
  const m = typeof process !== 'undefined' && process.memoryUsage ? process.memoryUsage() : undefined;
  const probe: Probe = {
    activatedAt: monitor.startedAt,
    monitor,
    citelensActive: !!vscode.extensions.getExtension('citelens.citelens')?.isActive,
    memory: m && { rssMB: mb(m.rss), heapUsedMB: mb(m.heapUsed), heapTotalMB: mb(m.heapTotal), externalMB: mb(m.external), arrayBuffersMB: mb(m.arrayBuffers) },
  };
  (globalThis as { __citelensBenchProbe?: Probe }).__citelensBenchProbe = probe;
}

export function deactivate(): void {}
