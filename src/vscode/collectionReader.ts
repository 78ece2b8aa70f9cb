/**
 * Reading collection files into `CollectionPatch`es, off the extension host's main thread
 * where possible: `WorkerReader` (workerReader.ts) reads in a worker thread in the Node
 * host; `InThreadReader` reads in slices that yield, for the web-worker host and for files
 * a worker cannot reach (virtual file systems).
 */
import * as vscode from 'vscode';
import { decodeCacheInSlices, encodeCache, Fingerprint } from '../core/cacheFormat';
import { CollectionPatch, IncrementalCollection } from '../core/incremental';
import { SerialPerKey } from '../core/serial';
import { decodeCollectionInSlices } from '../core/slicedDecode';

export type ReadOutcome =
  | { kind: 'read'; patch: CollectionPatch; encoding: string; source: 'disk' | 'document' | 'cache' }
  | { kind: 'folder' }
  | { kind: 'missing' }
  | { kind: 'unreadable'; message: string };

export interface CollectionReader extends vscode.Disposable {
  /** Reads `uri` from `text` (an open document's) or from disk; a patch against the last read. */
  read(uri: vscode.Uri, text?: string): Promise<ReadOutcome>;
  /** Forgets a file (deleted, no longer tracked): its next read is a full one. */
  forget(uri: vscode.Uri): void;
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

export class InThreadReader implements CollectionReader {
  private readonly states = new Map<string, IncrementalCollection>();
  private readonly writes = new Map<string, ReturnType<typeof setTimeout>>();

  /** `cacheDir`: where the persistent cache lives (none: no cache). */
  constructor(private readonly cacheDir?: vscode.Uri) {}

  private readonly serial = new SerialPerKey();

  read(uri: vscode.Uri, text?: string): Promise<ReadOutcome> {
    return this.serial.run(uri.toString(), async () => {
      const outcome = await this.readNow(uri, text);
      // Whatever comes next is read whole.
      if (outcome.kind !== 'read') this.states.delete(uri.toString());
      return outcome;
    });
  }

  private async readNow(uri: vscode.Uri, text?: string): Promise<ReadOutcome> {
    const key = uri.toString();
    let state = this.states.get(key);
    const known = !!state;
    if (!state) this.states.set(key, (state = new IncrementalCollection(key)));
    this.cancelWrite(key);
    let encoding = 'UTF-8';
    if (text === undefined) {
      let bytes: Uint8Array;
      let stat: vscode.FileStat;
      try {
        stat = await vscode.workspace.fs.stat(uri);
        if (stat.type & vscode.FileType.Directory) return { kind: 'folder' };
        bytes = await vscode.workspace.fs.readFile(uri);
      } catch (e) {
        if (e instanceof vscode.FileSystemError && (e.code === 'FileNotFound' || e.code === 'EntryNotFound')) return { kind: 'missing' };
        if (e instanceof vscode.FileSystemError && e.code === 'FileIsADirectory') return { kind: 'folder' };
        return { kind: 'unreadable', message: (e as Error).message };
      }
      const fingerprint = this.cacheDir ? await fingerprintOf(bytes, stat) : undefined;
      if (!known && fingerprint) {
        const cached = await this.readCache(key, fingerprint);
        if (cached) {
          state.restore((await decodeCollectionInSlices(bytes, pause)).text, cached.patch);
          return { kind: 'read', patch: cached.patch, encoding: cached.encoding, source: 'cache' };
        }
      }
      const decoded = await decodeCollectionInSlices(bytes, pause);
      text = decoded.text;
      encoding = decoded.encoding;
      const patch = await state.update(text, { pause, sliceMs: SLICE_MS });
      if (fingerprint && patch.full) this.scheduleWrite(key, patch, fingerprint, encoding);
      return { kind: 'read', patch, encoding, source: 'disk' };
    }
    const patch = await state.update(text, { pause, sliceMs: SLICE_MS });
    return { kind: 'read', patch, encoding, source: 'document' };
  }

  forget(uri: vscode.Uri): void {
    this.states.delete(uri.toString());
    this.cancelWrite(uri.toString());
  }

  dispose(): void {
    this.states.clear();
    for (const t of this.writes.values()) clearTimeout(t);
    this.writes.clear();
  }

  private cacheUri(file: string): vscode.Uri {
    return vscode.Uri.joinPath(this.cacheDir!, `${fnv1a(file)}.cache`);
  }

  private async readCache(file: string, fingerprint: Fingerprint) {
    try {
      return await decodeCacheInSlices(await vscode.workspace.fs.readFile(this.cacheUri(file)), file, fingerprint, pause);
    } catch {
      return undefined;
    }
  }

  private cancelWrite(file: string): void {
    const t = this.writes.get(file);
    if (t) clearTimeout(t);
    this.writes.delete(file);
  }

  /** Writes the cache once the file has been quiet for a while (encoding 50 MB takes a moment). */
  private scheduleWrite(file: string, patch: CollectionPatch, fingerprint: Fingerprint, encoding: string): void {
    this.writes.set(
      file,
      setTimeout(() => {
        this.writes.delete(file);
        void (async () => {
          try {
            await vscode.workspace.fs.createDirectory(this.cacheDir!);
            await vscode.workspace.fs.writeFile(this.cacheUri(file), encodeCache(patch, fingerprint, encoding));
          } catch {
            /* the cache is an optimisation: a failed write only costs the next start a parse */
          }
        })();
      }, CACHE_WRITE_DELAY_MS),
    );
  }
}

const CACHE_WRITE_DELAY_MS = 2000;

/** Size, modification time and SHA-1 of the content (Web Crypto: every host has it on localhost/https). */
async function fingerprintOf(bytes: Uint8Array, stat: vscode.FileStat): Promise<Fingerprint | undefined> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return undefined;
  const digest = new Uint8Array(await subtle.digest('SHA-1', bytes as Uint8Array<ArrayBuffer>));
  let hash = '';
  for (const b of digest) hash += b.toString(16).padStart(2, '0');
  return { size: bytes.length, mtime: stat.mtime, hash };
}

/** A short stable name for a cache file (not security relevant). */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0') + s.length.toString(16);
}
