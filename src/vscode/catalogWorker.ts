/**
 * The catalog's worker thread (Node extension host only; bundled as dist/catalog-worker.js):
 * the whole catalog (entries, papers, search index, library pages) lives here, beside the
 * reader, and the host asks it by the messages of core/catalogProtocol.ts. Besides what
 * every host's catalog does, this one reads local paths itself and keeps the persistent
 * cache: a file whose size, modification time and content hash match its cache entry is not
 * parsed at all.
 */
import { createHash } from 'crypto';
import { promises as fs } from 'fs';
import * as path from 'path';
import { setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';
import { parentPort, workerData } from 'worker_threads';
import { decodeCache, encodeCache, Fingerprint } from '../core/cacheFormat';
import { binaryReason, decodeCollection } from '../core/encoding';
import { CatalogService, ReadOutcome } from '../core/catalogProtocol';
import { flatKeys } from '../core/flat';
import { CollectionPatch, IncrementalCollection } from '../core/incremental';
import { readSettled } from './settledRead';

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
const pendingWrites = new Map<string, ReturnType<typeof setTimeout>>();

function cachePath(file: string): string {
  return path.join(cacheDir!, createHash('sha1').update(file).digest('hex') + '.cache');
}

/** Reads a local collection: from the cache when its fingerprint matches, else parsed (and cached). */
async function readPath(file: string, fsPath: string, state: IncrementalCollection, known: boolean): Promise<ReadOutcome> {
  let bytes: Buffer;
  let mtime: number;
  try {
    const settled = await readSettled(fsPath, known);
    if (settled === 'folder') return { kind: 'folder' };
    ({ bytes, mtime } = settled);
  } catch (e) {
    return failure(e as NodeJS.ErrnoException);
  }
  const binary = binaryReason(bytes);
  if (binary) return { kind: 'unreadable', message: binary };
  // Hashing 50 MB takes a moment: only a cache lookup needs it now; a cache write hashes later.
  const fingerprint = (): Fingerprint => ({ size: bytes.length, mtime, hash: createHash('sha1').update(bytes).digest('hex') });
  if (!known && cacheDir) {
    const cached = await readCache(file, fingerprint());
    if (cached) {
      state.restore(() => decodeCollection(bytes).text, cached.patch);
      return { kind: 'read', patch: cached.patch, encoding: cached.encoding, source: 'cache', index: cached.index, stamp: { size: bytes.length, mtime } };
    }
  }
  const decoded = decodeCollection(bytes);
  const patch = await state.update(decoded.text);
  // Written once the catalog has applied (and indexed) it: see afterRead.
  if (cacheDir) unwritten.set(file, { text: decoded.text, fingerprint, encoding: decoded.encoding, patch });
  return { kind: 'read', patch, encoding: decoded.encoding, source: 'disk', stamp: { size: bytes.length, mtime } };
}

/** Disk readings not yet in the cache: written after the catalog has applied them. */
const unwritten = new Map<string, { text: string; fingerprint: () => Fingerprint; encoding: string; patch: CollectionPatch }>();

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
  unwritten.delete(file);
  const t = pendingWrites.get(file);
  if (t) clearTimeout(t);
  pendingWrites.delete(file);
}

/**
 * Writes the cache from a full reading (this one, or a fresh one of `text` once edits stop)
 * with the catalog's index lists of the file, when they are those of that reading.
 */
function scheduleWrite(file: string, text: string, fingerprint: () => Fingerprint, encoding: string, patch: CollectionPatch): void {
  cancelWrite(file);
  // A full reading is encoded once the answer has gone; a partial one when edits stop.
  const full: CollectionPatch | undefined = patch.full ? patch : undefined;
  const generation = readings.get(file);
  pendingWrites.set(
    file,
    setTimeout(
      () => {
        pendingWrites.delete(file);
        void (async () => {
          try {
            const reading = full ?? (await new IncrementalCollection(file).update(text));
            if (pendingWrites.has(file)) return; // read again meanwhile
            // The catalog's lists describe this text only if nothing (an open document) was read since.
            const current = readings.get(file) === generation;
            const index = current ? service.catalog.indexSegment(file, full ? undefined : flatKeys(reading.added).keys) : undefined;
            const bytes = encodeCache(reading, fingerprint(), encoding, index);
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

/** Which files this thread has read since it started (a first reading may come from the cache). */
const known = new Set<string>();
/** Readings of each file so far (disk or open document): a cache write checks nothing came after its own. */
const readings = new Map<string, number>();
const countReading = (file: string) => readings.set(file, (readings.get(file) ?? 0) + 1);

const service = new CatalogService({
  pause: () => new Promise((resolve) => setImmediate(resolve)),
  sliceMs: 15,
  async readPath(file, fsPath, collection) {
    countReading(file);
    const outcome = await readPath(file, fsPath, collection, known.has(file));
    if (outcome.kind === 'read') known.add(file);
    else known.delete(file);
    return outcome;
  },
  documentRead(file) {
    countReading(file);
    cancelWrite(file);
  },
  forgotten(file) {
    known.delete(file);
    readings.delete(file);
    cancelWrite(file);
  },
  memory() {
    const m = process.memoryUsage();
    return { heapUsedMB: Math.round(m.heapUsed / 1048576), heapTotalMB: Math.round(m.heapTotal / 1048576), thread: 'worker' };
  },
  afterRead(file, applied) {
    const reading = unwritten.get(file);
    unwritten.delete(file);
    if (reading && applied) scheduleWrite(file, reading.text, reading.fingerprint, reading.encoding, reading.patch);
    collectGarbageSoon();
  },
});

parentPort!.on('message', (msg: unknown) => {
  void service.handle(msg).then((reply) => parentPort!.postMessage(reply));
});
