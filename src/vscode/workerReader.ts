/**
 * `CollectionReader` for the Node extension host: `file:` collections are read in a worker
 * thread (readerWorker.ts), so parsing a 50 MB file never blocks the extension host; other
 * schemes go to the in-thread reader. If the worker cannot start or dies, reading falls
 * back to the in-thread reader.
 */
import * as vscode from 'vscode';
import type { Worker as NodeWorker } from 'worker_threads';
import { fromWire } from '../core/wire';
import { CollectionReader, InThreadReader, pause, ReadOutcome } from './collectionReader';
import type { WorkerReply, WorkerRequest } from './readerWorker';

export class WorkerReader implements CollectionReader {
  private worker: NodeWorker | undefined;
  private readonly fallback = new InThreadReader();
  private readonly pending = new Map<number, (o: ReadOutcome) => void>();
  private nextId = 1;

  constructor(scriptPath: string, cacheDir: string | undefined, private readonly log: (message: string) => void) {
    try {
      // Required lazily: the web build never reaches this file's constructor.
      const { Worker } = require('worker_threads') as typeof import('worker_threads');
      const worker = new Worker(scriptPath, { workerData: { cacheDir } });
      worker.unref();
      worker.on('message', (reply: WorkerReply) => {
        const resolve = this.pending.get(reply.id);
        this.pending.delete(reply.id);
        const outcome = reply.outcome;
        if (outcome.kind !== 'read') resolve?.(outcome);
        else void fromWire(outcome.patch, pause).then((patch) => resolve?.({ ...outcome, patch }));
      });
      worker.on('error', (e) => this.fail(`The reader thread failed (${e.message}); reading continues on the main thread.`));
      worker.on('exit', (code) => code !== 0 && this.fail(`The reader thread exited (${code}); reading continues on the main thread.`));
      this.worker = worker;
    } catch (e) {
      this.log(`Cannot start the reader thread (${(e as Error).message}); reading on the main thread.`);
    }
  }

  private fail(message: string): void {
    if (!this.worker) return;
    this.worker = undefined;
    this.log(message);
    for (const [, resolve] of this.pending) resolve({ kind: 'unreadable', message: 'the reader thread stopped; it will be read again' });
    this.pending.clear();
  }

  read(uri: vscode.Uri, text?: string): Promise<ReadOutcome> {
    const worker = this.worker;
    if (!worker || uri.scheme !== 'file') return this.fallback.read(uri, text);
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      worker.postMessage({ type: 'read', id, file: uri.toString(), fsPath: uri.fsPath, text } satisfies WorkerRequest);
    });
  }

  forget(uri: vscode.Uri): void {
    this.fallback.forget(uri);
    this.worker?.postMessage({ type: 'forget', file: uri.toString() } satisfies WorkerRequest);
  }

  dispose(): void {
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate();
    this.fallback.dispose();
  }
}

/** The reader for this host: a worker thread in Node, slices on the web. */
export function createCollectionReader(context: vscode.ExtensionContext, log: (message: string) => void): CollectionReader {
  // No persistent cache on the web: there every cache file (65–115 MB for the benchmark's
  // collections) crosses the workbench connection in one message, which measured slower and
  // blocked the host for over a second (bench/results/vscode-web.md).
  if (process.env.CITELENS_WEB === '1') return new InThreadReader();
  const cacheDir = context.globalStorageUri.scheme === 'file' ? vscode.Uri.joinPath(context.globalStorageUri, 'index-cache').fsPath : undefined;
  return new WorkerReader(context.asAbsolutePath('dist/reader-worker.js'), cacheDir, log);
}
