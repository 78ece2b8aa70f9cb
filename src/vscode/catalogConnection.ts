/**
 * The extension host's side of the catalog protocol (core/catalogProtocol.ts). In the Node
 * host the catalog lives in a worker thread (catalogWorker.ts): the host keeps no copy of the
 * library and gets back only what a feature shows. If that thread dies, pending requests are
 * answered with an error, a new thread starts and `onDidRestart` fires (the collections are
 * read again). In the web host it lives in a Web Worker (catalogWebWorker.ts); where no
 * worker can start, the same `CatalogService` runs in the host's thread and reads in slices
 * that yield.
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

  constructor(
    /** Why the catalog runs here rather than in a thread of its own (shown in tests and the log). */
    readonly whyInHost = 'the catalog was created in this thread',
  ) {}

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
/** How long a new Web Worker may take to answer its first question before the catalog runs in this thread. */
const WEB_WORKER_START_MS = 10_000;
/** Restarts allowed within RESTART_WINDOW_MS before the catalog moves into the host's thread. */
const MAX_RESTARTS = 3;
const RESTART_WINDOW_MS = 60_000;

interface Pending {
  resolve: (reply: CatalogReply) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** A thread the catalog runs in: a Node worker thread or a Web Worker. */
export interface CatalogThread {
  post(message: unknown, transfer: ArrayBuffer[]): void;
  /** Ends it (a crash, for the tests; or the extension stopping). */
  terminate(): Promise<unknown>;
}

/** Starts a thread; `onReply` gets each answer, `onDeath` how it died (once; `cannotStart`: no thread of this kind can run here). */
export type ThreadStarter = (onReply: (reply: CatalogReply) => void, onDeath: (how: string, cannotStart?: boolean) => void) => CatalogThread;

/** The catalog in a worker thread (Node host) or a Web Worker (web host). */
export class ThreadCatalog implements CatalogConnection {
  private thread: CatalogThread | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private readonly restarted = new vscode.EventEmitter<void>();
  readonly onDidRestart = this.restarted.event;
  private restarts: number[] = [];
  private fallback: InThreadCatalog | undefined;
  private disposed = false;
  /** The messages shown to the user about the thread (for tests: one per failure). */
  readonly shown: string[] = [];
  private readonly warn: (message: string) => void;

  constructor(
    private readonly start: ThreadStarter,
    /** This thread reads local paths itself (the Node worker). */
    private readonly pathReader: boolean,
    private readonly log: (message: string) => void,
    warn: (message: string) => void,
  ) {
    this.warn = (message) => {
      this.shown.push(message);
      warn(message);
    };
    this.spawn();
  }

  get readsPaths(): boolean {
    return this.pathReader && !this.fallback;
  }

  /** Where the catalog runs now. */
  get runsIn(): 'thread' | 'host' {
    return this.fallback ? 'host' : 'thread';
  }

  /** Why it moved into the host's thread, when it did. */
  get whyInHost(): string | undefined {
    return this.fallback?.whyInHost;
  }

  private spawn(): void {
    let thread: CatalogThread | undefined = undefined;
    thread = this.start(
      (reply) => {
        const p = this.pending.get(reply.id);
        if (!p) return;
        this.pending.delete(reply.id);
        clearTimeout(p.timer);
        p.resolve(reply);
      },
      (how, cannotStart) => (cannotStart ? this.cannotStart(thread, how) : this.died(thread, how)),
    );
    this.thread = thread;
  }

  /** Moves the catalog into this thread (no worker can run): everything is read again. */
  useHostThread(reason: string): void {
    if (this.fallback || this.disposed) return;
    this.log(`${reason}; the catalog runs on the extension host's thread.`);
    const thread = this.thread;
    this.thread = undefined;
    void thread?.terminate().catch(() => undefined);
    this.answerPending('The catalog moved to the extension host; the collections are being read again.');
    this.fallback = new InThreadCatalog(reason);
    this.restarted.fire();
  }

  /** The first thread could not start at all: the catalog runs here from now on (no restarts to try). */
  private cannotStart(thread: CatalogThread | undefined, how: string): void {
    if (!thread || this.thread !== thread || this.disposed) return;
    this.useHostThread(`The catalog's thread ${how}`);
  }

  private answerPending(error: string): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.resolve({ id, ok: false, error });
    }
    this.pending.clear();
  }

  private died(thread: CatalogThread | undefined, how: string): void {
    if (!thread || this.thread !== thread || this.disposed) return;
    this.thread = undefined;
    this.answerPending('The catalog thread stopped; the collections are being read again.');
    const now = Date.now();
    this.restarts = this.restarts.filter((t) => now - t < RESTART_WINDOW_MS);
    this.restarts.push(now);
    if (this.restarts.length > MAX_RESTARTS) {
      this.fallback = new InThreadCatalog(`the catalog thread ${how} ${MAX_RESTARTS} times within a minute`);
      this.warn(`CiteLens: the catalog thread ${how} ${MAX_RESTARTS} times within a minute; it now runs on the extension host's thread (see CiteLens: Show Output).`);
    } else {
      try {
        this.spawn();
        this.warn(`CiteLens: the catalog thread ${how}; it was restarted and the collections are being read again.`);
      } catch (e) {
        this.fallback = new InThreadCatalog(`the catalog thread cannot start again (${(e as Error).message})`);
        this.warn(`CiteLens: the catalog thread ${how} and cannot start again (${(e as Error).message}); it now runs on the extension host's thread.`);
      }
    }
    this.restarted.fire();
  }

  call<M extends CatalogMethod>(method: M, ...args: CatalogArgs<M>): Promise<Awaited<CatalogResult<M>>> {
    if (this.fallback) return this.fallback.call(method, ...args);
    const thread = this.thread;
    if (!thread) return Promise.reject(new Error('The catalog thread is not running.'));
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
      thread.post({ id, method, args }, bytes && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? [bytes.buffer as ArrayBuffer] : []);
    }).then((reply) => unwrap<Awaited<CatalogResult<M>>>(reply));
  }

  /** Ends the thread as a crash would (for the tests of a dying worker). */
  crashForTesting(): Promise<unknown> | undefined {
    return this.thread?.terminate();
  }

  dispose(): void {
    this.disposed = true;
    const thread = this.thread;
    this.thread = undefined;
    for (const [, p] of this.pending) clearTimeout(p.timer);
    this.pending.clear();
    void thread?.terminate().catch(() => undefined);
    this.fallback?.dispose();
    this.restarted.dispose();
  }
}

/** A Node worker thread running dist/catalog-worker.js. */
function nodeThread(scriptPath: string, cacheDir: string | undefined): ThreadStarter {
  return (onReply, onDeath) => {
    // Required lazily: the web build never reaches this.
    const { Worker } = require('worker_threads') as typeof import('worker_threads');
    const worker = new Worker(scriptPath, { workerData: { cacheDir } });
    worker.unref();
    worker.on('message', onReply);
    worker.on('error', (e) => onDeath(`failed (${e.message})`));
    worker.on('exit', (code) => onDeath(`exited (code ${code})`));
    return { post: (m, transfer) => worker.postMessage(m, transfer), terminate: () => worker.terminate() };
  };
}

/**
 * A Web Worker running dist/catalog-worker.web.js (the web extension host). VS Code's web
 * host refuses `new Worker(url)` for an extension installed on a server ("Creating workers
 * from remote extensions is currently not supported", code-server's case), so the script is
 * read through `workspace.fs` and started from a blob: URL, which works for every install.
 */
function webThread(script: vscode.Uri): ThreadStarter {
  let url: Promise<string> | undefined;
  const load = () =>
    (url ??= Promise.resolve(vscode.workspace.fs.readFile(script)).then((bytes) => URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'text/javascript' }))));
  return (onReply, onDeath) => {
    let worker: Worker | undefined;
    let ended = false;
    const queued: Array<[unknown, ArrayBuffer[]]> = [];
    load().then(
      (blobUrl) => {
        if (ended) return;
        try {
          worker = new Worker(blobUrl, { name: 'CiteLens catalog' });
        } catch (e) {
          onDeath(`cannot start (${(e as Error).message})`, true);
          return;
        }
        worker.onmessage = (e: MessageEvent) => onReply(e.data as CatalogReply);
        worker.onerror = (e: ErrorEvent) => {
          e.preventDefault?.();
          onDeath(`failed (${e.message || 'error in the worker'})`);
        };
        for (const [m, transfer] of queued.splice(0)) worker.postMessage(m, transfer);
      },
      (e: Error) => onDeath(`cannot load ${script.path} (${e.message})`, true),
    );
    return {
      post: (m, transfer) => (worker ? worker.postMessage(m, transfer) : queued.push([m, transfer])),
      terminate: async () => {
        ended = true;
        worker?.terminate();
        // A Web Worker says nothing when it is terminated: report it as the death it is.
        onDeath('was terminated');
      },
    };
  };
}

/**
 * The catalog for this host: a worker thread in Node (with the persistent cache), a Web
 * Worker in the web host; the host's own thread where neither can start.
 */
export function createCatalog(context: vscode.ExtensionContext, log: (message: string) => void): CatalogConnection {
  const warn = (message: string) => {
    log(message);
    void vscode.window.showWarningMessage(message);
  };
  if (process.env.CITELENS_WEB === '1') {
    if (typeof Worker !== 'function') {
      log('This host cannot start Web Workers; the catalog runs on the extension host\'s thread.');
      return new InThreadCatalog('this host cannot start Web Workers');
    }
    let catalog: ThreadCatalog;
    const script = vscode.Uri.joinPath(context.extensionUri, 'dist', 'catalog-worker.web.js');
    try {
      catalog = new ThreadCatalog(webThread(script), false, log, warn);
    } catch (e) {
      log(`Cannot start the catalog's Web Worker (${(e as Error).message}); the catalog runs on the extension host's thread.`);
      return new InThreadCatalog(`cannot start the catalog's Web Worker (${(e as Error).message})`);
    }
    // A worker that cannot load its script may fail without an error event: it must answer soon.
    const probe = setTimeout(() => catalog.useHostThread(`The catalog's Web Worker (${script}) did not answer within ${WEB_WORKER_START_MS / 1000} s`), WEB_WORKER_START_MS);
    catalog.call('status').then(
      () => {
        clearTimeout(probe);
        log("The catalog runs in a Web Worker.");
      },
      (e: Error) => {
        clearTimeout(probe);
        catalog.useHostThread(`The catalog's Web Worker (${script}) failed (${e.message})`);
      },
    );
    return catalog;
  }
  const cacheDir = context.globalStorageUri.scheme === 'file' ? vscode.Uri.joinPath(context.globalStorageUri, 'index-cache').fsPath : undefined;
  try {
    return new ThreadCatalog(nodeThread(context.asAbsolutePath('dist/catalog-worker.js'), cacheDir), true, log, warn);
  } catch (e) {
    log(`Cannot start the catalog thread (${(e as Error).message}); the catalog runs on the extension host's thread.`);
    return new InThreadCatalog(`cannot start the catalog thread (${(e as Error).message})`);
  }
}
