/**
 * The worker thread of `WorkerReader` (Node extension host only; bundled as
 * dist/reader-worker.js). Reads, decodes and parses collection files, keeps each file's last
 * text for incremental re-reading, and keeps the persistent cache: a file whose size,
 * modification time and content hash match its cache entry is not parsed at all.
 */
import { createHash } from 'crypto';
import { promises as fs } from 'fs';
import * as path from 'path';
import { setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';
import { parentPort, workerData } from 'worker_threads';
import { decodeCache, encodeCache, Fingerprint } from '../core/cacheFormat';
import { binaryReason, decodeCollection } from '../core/encoding';
import { CollectionPatch, IncrementalCollection } from '../core/incremental';
import { SerialPerKey } from '../core/serial';
import { toWire, WirePatch } from '../core/wire';
import type { ReadOutcome } from './collectionReader';

export interface ReadRequest {
  type: 'read';
  id: number;
  /** The URI string (the file's identity in the model). */
  file: string;
  fsPath: string;
  text?: string;
}

export type WorkerRequest = ReadRequest | { type: 'forget'; file: string };
export interface WorkerReply {
  id: number;
  outcome: Exclude<ReadOutcome, { kind: 'read' }> | (Omit<Extract<ReadOutcome, { kind: 'read' }>, 'patch'> & { patch: WirePatch });
}

/**
 * A full collection after a big read: reading 50 MB leaves a few hundred MB of garbage in this
 * thread, which V8 would otherwise keep (and count in the extension host's memory) for long.
 */
const gc: (() => void) | undefined = (() => {
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
})();
let gcTimer: ReturnType<typeof setTimeout> | undefined;
function collectGarbageSoon(): void {
  if (!gc || gcTimer) return;
  gcTimer = setTimeout(() => {
    gcTimer = undefined;
    gc();
  }, 500);
}

/** Cache writes wait until a file has been quiet this long (edits come in bursts). */
const CACHE_WRITE_DELAY_MS = 2000;

const cacheDir: string | undefined = workerData?.cacheDir;
/**
 * The cache lives in global storage, shared by every workspace: beyond this many bytes the
 * least recently used files go (a hit refreshes a file's modification time).
 */
const cacheLimitBytes: number = workerData?.cacheLimitBytes ?? 2 * 1024 ** 3;
const states = new Map<string, IncrementalCollection>();
const pendingWrites = new Map<string, ReturnType<typeof setTimeout>>();
/** Readings of one file run one after another (each is a change to the previous one). */
const serialPerFile = new SerialPerKey();

function cachePath(file: string): string {
  return path.join(cacheDir!, createHash('sha1').update(file).digest('hex') + '.cache');
}

async function read(req: ReadRequest): Promise<ReadOutcome> {
  let state = states.get(req.file);
  const known = !!state;
  if (!state) states.set(req.file, (state = new IncrementalCollection(req.file)));
  if (req.text !== undefined) {
    // An open document's text differs from the disk: the cache must not describe it.
    cancelWrite(req.file);
    return { kind: 'read', patch: await state.update(req.text), encoding: 'UTF-8', source: 'document' };
  }
  let bytes: Buffer;
  let mtime: number;
  try {
    const stat = await fs.stat(req.fsPath);
    if (stat.isDirectory()) return { kind: 'folder' };
    bytes = await fs.readFile(req.fsPath);
    mtime = stat.mtimeMs;
  } catch (e) {
    return failure(e as NodeJS.ErrnoException);
  }
  const binary = binaryReason(bytes);
  if (binary) return { kind: 'unreadable', message: binary };
  // Hashing 50 MB takes a moment: only a cache lookup needs it now; a cache write hashes later.
  const fingerprint = (): Fingerprint => ({ size: bytes.length, mtime, hash: createHash('sha1').update(bytes).digest('hex') });
  if (!known && cacheDir) {
    const cached = await readCache(req.file, fingerprint());
    if (cached) {
      state.restore(decodeCollection(bytes).text, cached.patch);
      return { kind: 'read', patch: cached.patch, encoding: cached.encoding, source: 'cache' };
    }
  }
  const decoded = decodeCollection(bytes);
  const patch = await state.update(decoded.text);
  if (cacheDir) scheduleWrite(req.file, decoded.text, fingerprint, decoded.encoding, patch);
  return { kind: 'read', patch, encoding: decoded.encoding, source: 'disk' };
}

function failure(e: NodeJS.ErrnoException): ReadOutcome {
  switch (e.code) {
    case 'ENOENT':
      return { kind: 'missing' };
    case 'EISDIR':
      return { kind: 'folder' };
    case 'ELOOP':
      return { kind: 'unreadable', message: 'it is a symbolic link that points back to itself (a loop)' };
    case 'EACCES':
    case 'EPERM':
      return { kind: 'unreadable', message: 'permission denied' };
    default:
      return { kind: 'unreadable', message: e.message };
  }
}

async function readCache(file: string, fingerprint: Fingerprint) {
  try {
    const target = cachePath(file);
    const bytes = await fs.readFile(target);
    const cached = decodeCache(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), file, fingerprint);
    if (cached) {
      const now = new Date();
      await fs.utimes(target, now, now).catch(() => undefined);
    }
    return cached;
  } catch {
    return undefined;
  }
}

/** Deletes the least recently used cache files (never `keep`) until the cache fits its limit. */
async function trimCache(keep: string): Promise<void> {
  const names = (await fs.readdir(cacheDir!)).filter((n) => n.endsWith('.cache'));
  const files = await Promise.all(
    names.map(async (name) => {
      const file = path.join(cacheDir!, name);
      const stat = await fs.stat(file);
      return { file, size: stat.size, used: stat.mtimeMs };
    }),
  );
  let total = files.reduce((n, f) => n + f.size, 0);
  for (const f of files.sort((a, b) => a.used - b.used)) {
    if (total <= cacheLimitBytes) break;
    if (f.file === keep) continue;
    await fs.rm(f.file, { force: true });
    total -= f.size;
  }
}

function cancelWrite(file: string): void {
  const t = pendingWrites.get(file);
  if (t) clearTimeout(t);
  pendingWrites.delete(file);
}

/** Writes the cache from a full reading: this one, or a fresh one of `text` once edits stop. */
function scheduleWrite(file: string, text: string, fingerprint: () => Fingerprint, encoding: string, patch: CollectionPatch): void {
  cancelWrite(file);
  // The patch's buffers are about to be transferred to the main thread: keep copies of a full
  // one (cheap next to parsing) and encode after the reply has gone.
  const full: CollectionPatch | undefined = patch.full
    ? {
        ...patch,
        added: { ...patch.added, numbers: patch.added.numbers.slice(), displays: patch.added.displays && { ...patch.added.displays, numbers: patch.added.displays.numbers.slice() } },
        lineStarts: patch.lineStarts.slice(),
      }
    : undefined;
  pendingWrites.set(
    file,
    setTimeout(
      () => {
        pendingWrites.delete(file);
        void (async () => {
          try {
            const bytes = encodeCache(full ?? (await new IncrementalCollection(file).update(text)), fingerprint(), encoding);
            await fs.mkdir(cacheDir!, { recursive: true });
            const target = cachePath(file);
            // Write then rename, so a reader never sees half a cache file.
            await fs.writeFile(target + '.tmp', bytes);
            await fs.rename(target + '.tmp', target);
            await trimCache(target);
            collectGarbageSoon();
          } catch {
            /* the cache is an optimisation: a failed write only costs the next start a parse */
          }
        })();
      },
      full ? 0 : CACHE_WRITE_DELAY_MS,
    ),
  );
}

parentPort!.on('message', (msg: WorkerRequest) => {
  if (msg.type === 'forget') {
    states.delete(msg.file);
    cancelWrite(msg.file);
    return;
  }
  serialPerFile
    .run(msg.file, async () => {
      const outcome = await read(msg);
      // Whatever comes next is read whole.
      if (outcome.kind !== 'read') states.delete(msg.file);
      return outcome;
    })
    .then(
    (outcome) => {
      if (outcome.kind !== 'read') return parentPort!.postMessage({ id: msg.id, outcome } satisfies WorkerReply);
      const { wire, transfer } = toWire(outcome.patch);
      parentPort!.postMessage({ id: msg.id, outcome: { ...outcome, patch: wire } } satisfies WorkerReply, transfer);
      collectGarbageSoon();
    },
    (e: Error) => parentPort!.postMessage({ id: msg.id, outcome: { kind: 'unreadable', message: e.message } } satisfies WorkerReply),
  );
});
