/**
 * The extension host's side of the catalog protocol (core/catalogProtocol.ts). In the Node
 * host the catalog lives in a worker thread (catalogWorker.ts): the host keeps no copy of the
 * library and gets back only what a feature shows. If that thread dies, pending requests are
 * answered with an error, a new thread starts and `onDidRestart` fires (the collections are
 * read again). In the web host, and where no worker can start, the same `CatalogService`
 * runs in the host's thread and reads in slices that yield.
 */
import * as vscode from 'vscode';
import type { Worker as NodeWorker } from 'worker_threads';
import { CatalogArgs, CatalogMethod, CatalogReply, CatalogResult, CatalogService } from '../core/catalogProtocol';

export interface CatalogConnection extends vscode.Disposable {
  /** Asks the catalog; rejects with an Error (bad request, the thread stopped, no answer in time). */
  call<M extends CatalogMethod>(method: M, ...args: CatalogArgs<M>): Promise<Awaited<CatalogResult<M>>>;
  /** The catalog started again, empty (its thread died): everything must be read again. */
  readonly onDidRestart: vscode.Event<void>;
  /** The catalog reads local paths itself (else the host sends the bytes). */
  readonly readsPaths: boolean;
}

/**
 * Yields to the event loop (other extensions, completion requests) between slices:
 * `setImmediate` in Node (runs right after pending I/O), a MessageChannel in a web worker
 * (nested `setTimeout(0)` is clamped to 4 ms there).
 */
export const pause: () => Promise<void> =
  typeof setImmediate === 'function'
    ? () => new Promise((resolve) => setImmediate(resolve))
    : typeof MessageChannel === 'function'
      ? (() => {
          const channel = new MessageChannel();
          const waiting: Array<() => void> = [];
          channel.port1.onmessage = () => waiting.shift()?.();
          return () =>
            new Promise<void>((resolve) => {
              waiting.push(resolve);
              channel.port2.postMessage(0);
            });
        })()
      : () => new Promise((resolve) => setTimeout(resolve, 0));

export const SLICE_MS = 15;

function unwrap<T>(reply: CatalogReply): T {
  if (!reply.ok) throw new Error(reply.error);
  return reply.value as T;
}

/** The catalog in this thread (web host; Node host without a worker). */
export class InThreadCatalog implements CatalogConnection {
  readonly readsPaths = false;
  private readonly restarted = new vscode.EventEmitter<void>();
  readonly onDidRestart = this.restarted.event;
  private service = newInThreadService();
  private nextId = 1;

  async call<M extends CatalogMethod>(method: M, ...args: CatalogArgs<M>): Promise<Awaited<CatalogResult<M>>> {
    return unwrap<Awaited<CatalogResult<M>>>(await this.service.handle({ id: this.nextId++, method, args }));
  }

  dispose(): void {
    this.restarted.dispose();
  }
}

function newInThreadService(): CatalogService {
  return new CatalogService({
    pause,
    sliceMs: SLICE_MS,
    memory: () => {
      const heap = typeof process !== 'undefined' && typeof process.memoryUsage === 'function' ? process.memoryUsage() : undefined;
      return { heapUsedMB: heap ? Math.round(heap.heapUsed / 1048576) : -1, heapTotalMB: heap ? Math.round(heap.heapTotal / 1048576) : -1, thread: 'host' };
    },
  });
}

/** How long a question may take before the caller gets an error (a read of 50 MB may take a while on a busy machine). */
const QUESTION_TIMEOUT_MS = 30_000;
const READ_TIMEOUT_MS = 300_000;
/** Restarts allowed within RESTART_WINDOW_MS before the catalog moves into the host's thread. */
const MAX_RESTARTS = 3;
const RESTART_WINDOW_MS = 60_000;

interface Pending {
  resolve: (reply: CatalogReply) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** The catalog in a worker thread (Node host). */
export class WorkerCatalog implements CatalogConnection {
  private worker: NodeWorker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private readonly restarted = new vscode.EventEmitter<void>();
  readonly onDidRestart = this.restarted.event;
  private restarts: number[] = [];
  private fallback: InThreadCatalog | undefined;
  private disposed = false;

  private constructor(
    private readonly scriptPath: string,
    private readonly cacheDir: string | undefined,
    private readonly log: (message: string) => void,
    private readonly warn: (message: string) => void,
  ) {}

  get readsPaths(): boolean {
    return !this.fallback;
  }

  /** Starts the thread, or undefined when worker threads cannot start here. */
  static start(scriptPath: string, cacheDir: string | undefined, log: (message: string) => void, warn: (message: string) => void): WorkerCatalog | undefined {
    const catalog = new WorkerCatalog(scriptPath, cacheDir, log, warn);
    try {
      catalog.spawn();
      return catalog;
    } catch (e) {
      log(`Cannot start the catalog thread (${(e as Error).message}); the catalog runs on the extension host's thread.`);
      return undefined;
    }
  }

  private spawn(): void {
    // Required lazily: the web build never reaches this file's constructor.
    const { Worker } = require('worker_threads') as typeof import('worker_threads');
    const worker = new Worker(this.scriptPath, { workerData: { cacheDir: this.cacheDir } });
    worker.unref();
    worker.on('message', (reply: CatalogReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      clearTimeout(p.timer);
      p.resolve(reply);
    });
    worker.on('error', (e) => this.died(worker, `failed (${e.message})`));
    worker.on('exit', (code) => this.died(worker, `exited (code ${code})`));
    this.worker = worker;
  }

  private died(worker: NodeWorker, how: string): void {
    if (this.worker !== worker || this.disposed) return;
    this.worker = undefined;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.resolve({ id, ok: false, error: 'The catalog thread stopped; the collections are being read again.' });
    }
    this.pending.clear();
    const now = Date.now();
    this.restarts = this.restarts.filter((t) => now - t < RESTART_WINDOW_MS);
    this.restarts.push(now);
    if (this.restarts.length > MAX_RESTARTS) {
      this.fallback = new InThreadCatalog();
      this.warn(`CiteLens: the catalog thread ${how} ${MAX_RESTARTS} times within a minute; it now runs on the extension host's thread (see CiteLens: Show Output).`);
    } else {
      try {
        this.spawn();
      } catch (e) {
        this.fallback = new InThreadCatalog();
        this.log(`Cannot restart the catalog thread (${(e as Error).message}).`);
      }
      this.warn(`CiteLens: the catalog thread ${how}; it was restarted and the collections are being read again.`);
    }
    this.restarted.fire();
  }

  call<M extends CatalogMethod>(method: M, ...args: CatalogArgs<M>): Promise<Awaited<CatalogResult<M>>> {
    if (this.fallback) return this.fallback.call(method, ...args);
    const worker = this.worker;
    if (!worker) return Promise.reject(new Error('The catalog thread is not running.'));
    const id = this.nextId++;
    return new Promise<CatalogReply>((resolve) => {
      const timeout = method === 'read' ? READ_TIMEOUT_MS : QUESTION_TIMEOUT_MS;
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve({ id, ok: false, error: `The catalog did not answer ${method} within ${timeout / 1000} s.` });
      }, timeout);
      this.pending.set(id, { resolve, timer });
      const bytes = method === 'read' ? (args[0] as { bytes?: Uint8Array }).bytes : undefined;
      // Bytes read by the host move to the thread instead of being copied.
      worker.postMessage({ id, method, args }, bytes && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? [bytes.buffer as ArrayBuffer] : []);
    }).then((reply) => unwrap<Awaited<CatalogResult<M>>>(reply));
  }

  /** Ends the thread as a crash would (for the tests of a dying worker). */
  crashForTesting(): Promise<number> | undefined {
    return this.worker?.terminate();
  }

  dispose(): void {
    this.disposed = true;
    const worker = this.worker;
    this.worker = undefined;
    for (const [, p] of this.pending) clearTimeout(p.timer);
    this.pending.clear();
    void worker?.terminate();
    this.fallback?.dispose();
    this.restarted.dispose();
  }
}

/** The catalog for this host: a worker thread in Node (with the persistent cache), in-thread on the web. */
export function createCatalog(context: vscode.ExtensionContext, log: (message: string) => void): CatalogConnection {
  if (process.env.CITELENS_WEB === '1') return new InThreadCatalog();
  const cacheDir = context.globalStorageUri.scheme === 'file' ? vscode.Uri.joinPath(context.globalStorageUri, 'index-cache').fsPath : undefined;
  const warn = (message: string) => {
    log(message);
    void vscode.window.showWarningMessage(message);
  };
  return WorkerCatalog.start(context.asAbsolutePath('dist/catalog-worker.js'), cacheDir, log, warn) ?? new InThreadCatalog();
}
