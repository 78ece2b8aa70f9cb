/**
 * Reading collection files into `CollectionPatch`es, off the extension host's main thread
 * where possible: `WorkerReader` (workerReader.ts) reads in a worker thread in the Node
 * host; `InThreadReader` reads in slices that yield, for the web-worker host and for files
 * a worker cannot reach (virtual file systems).
 */
import * as vscode from 'vscode';
import { CollectionPatch, IncrementalCollection } from '../core/incremental';
import { SerialPerKey } from '../core/serial';
import { binaryReason } from '../core/encoding';
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
    if (!state) this.states.set(key, (state = new IncrementalCollection(key)));
    let encoding = 'UTF-8';
    if (text === undefined) {
      let bytes: Uint8Array;
      try {
        const stat = await vscode.workspace.fs.stat(uri);
        if (stat.type & vscode.FileType.Directory) return { kind: 'folder' };
        bytes = await vscode.workspace.fs.readFile(uri);
      } catch (e) {
        if (e instanceof vscode.FileSystemError && (e.code === 'FileNotFound' || e.code === 'EntryNotFound')) return { kind: 'missing' };
        if (e instanceof vscode.FileSystemError && e.code === 'FileIsADirectory') return { kind: 'folder' };
        return { kind: 'unreadable', message: (e as Error).message };
      }
      const binary = binaryReason(bytes);
      if (binary) return { kind: 'unreadable', message: binary };
      const decoded = await decodeCollectionInSlices(bytes, pause);
      text = decoded.text;
      encoding = decoded.encoding;
      const patch = await state.update(text, { pause, sliceMs: SLICE_MS });
      return { kind: 'read', patch, encoding, source: 'disk' };
    }
    const patch = await state.update(text, { pause, sliceMs: SLICE_MS });
    return { kind: 'read', patch, encoding, source: 'document' };
  }

  forget(uri: vscode.Uri): void {
    this.states.delete(uri.toString());
  }

  dispose(): void {
    this.states.clear();
  }
}
