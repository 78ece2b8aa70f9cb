/**
 * The Node host's reader thread (src/vscode/readerWorker.ts) run as a real worker thread:
 * full and incremental readings, the persistent cache, and one clear outcome per bad path.
 */
import { strict as assert } from 'node:assert';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { buildSync } from 'esbuild';
import { fromWire } from '../../src/core/wire';
import type { ReadOutcome } from '../../src/vscode/collectionReader';
import type { WorkerReply } from '../../src/vscode/readerWorker';

const root = join(__dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'citelens-worker-'));
const cacheDir = join(dir, 'cache');
const bib = join(dir, 'papers.bib');
copyFileSync(join(root, 'examples', 'sample-workspace', readdirSync(join(root, 'examples', 'sample-workspace')).find((f) => f.endsWith('.bib'))!), bib);

// The worker as the extension ships it: bundled by esbuild (worker threads cannot load .ts).
const workerScript = join(dir, 'reader-worker.js');
buildSync({ entryPoints: [join(root, 'src', 'vscode', 'readerWorker.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: workerScript, logLevel: 'error' });

const workers: Worker[] = [];
after(() => Promise.all(workers.map((w) => w.terminate())));

function startWorker(data: { cacheDir: string; cacheLimitBytes?: number } = { cacheDir }): (fsPath: string, text?: string) => Promise<ReadOutcome> {
  const worker = new Worker(workerScript, { workerData: data });
  workers.push(worker);
  let id = 0;
  const pending = new Map<number, (o: ReadOutcome) => void>();
  // Replies carry the patch in its wire form (strings as UTF-8 bytes); decode as the extension does.
  worker.on('message', (m: WorkerReply) => {
    const o = m.outcome;
    if (o.kind !== 'read') pending.get(m.id)?.(o);
    else void fromWire(o.patch).then((patch) => pending.get(m.id)?.({ ...o, patch }));
  });
  return (fsPath, text) =>
    new Promise((resolve) => {
      pending.set(++id, resolve);
      worker.postMessage({ type: 'read', id, file: pathToFileURL(fsPath).toString(), fsPath, text });
    });
}

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) assert.fail('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function read(o: ReadOutcome) {
  assert.equal(o.kind, 'read', JSON.stringify(o));
  return o as Extract<ReadOutcome, { kind: 'read' }>;
}

test('a first read is full and writes the cache; a new thread serves the same reading from the cache', async () => {
  const first = read(await startWorker()(bib));
  assert.equal(first.source, 'disk');
  assert.equal(first.patch.full, true);
  assert.ok(first.patch.added.count > 20);
  await until(() => existsSync(cacheDir) && readdirSync(cacheDir).some((f) => f.endsWith('.cache')));
  const readAgain = startWorker();
  const cached = read(await readAgain(bib));
  assert.equal(cached.source, 'cache');
  assert.equal(cached.patch.added.count, first.patch.added.count);
  assert.equal(cached.patch.added.strings, first.patch.added.strings);
  assert.deepEqual([...cached.patch.added.numbers], [...first.patch.added.numbers]);
  assert.deepEqual([...cached.patch.lineStarts], [...first.patch.lineStarts]);
  // After a cache hit the thread knows the text, so an edit is read incrementally.
  writeFileSync(bib, readFileSync(bib, 'utf8') + '\n@misc{appended2026, title = {Appended}}\n');
  const edited = read(await readAgain(bib));
  assert.equal(edited.source, 'disk');
  assert.equal(edited.patch.full, false);
  assert.equal(edited.patch.entryCount, first.patch.added.count + 1);
});

test('a changed modification time or content misses the cache', async () => {
  const a = startWorker();
  read(await a(bib));
  await new Promise((r) => setTimeout(r, 300));
  utimesSync(bib, new Date(), new Date(Date.now() + 5000));
  const b = read(await startWorker()(bib));
  assert.equal(b.source, 'disk');
});

test('an open document is read from its text and never served from the cache', async () => {
  const r = startWorker();
  const o = read(await r(bib, '@misc{onlyInEditor, title = {Unsaved}}\n'));
  assert.equal(o.source, 'document');
  assert.equal(o.patch.added.count, 1);
});

test('a folder named .bib, a missing file and a symlink loop each give one clear outcome', async () => {
  const r = startWorker();
  const folder = join(dir, 'folder.bib');
  mkdirSync(folder);
  assert.deepEqual(await r(folder), { kind: 'folder' });
  assert.deepEqual(await r(join(dir, 'gone.bib')), { kind: 'missing' });
  const loop = join(dir, 'loop.bib');
  symlinkSync(loop, loop);
  const o = await r(loop);
  assert.equal(o.kind, 'unreadable');
  assert.match((o as { message: string }).message, /loop/);
});

test('the cache keeps within its limit by dropping the least recently used files', async () => {
  const smallCache = join(dir, 'small-cache');
  const a = join(dir, 'a.bib');
  const b = join(dir, 'b.bib');
  writeFileSync(a, '@misc{a1, title = {A}}\n'.repeat(50));
  writeFileSync(b, '@misc{b1, title = {B}}\n'.repeat(50));
  const r = startWorker({ cacheDir: smallCache, cacheLimitBytes: 1 });
  read(await r(a));
  await until(() => existsSync(smallCache) && readdirSync(smallCache).filter((f) => f.endsWith('.cache')).length === 1);
  const first = readdirSync(smallCache).find((f) => f.endsWith('.cache'));
  read(await r(b));
  await until(() => {
    const left = readdirSync(smallCache).filter((f) => f.endsWith('.cache'));
    return left.length === 1 && left[0] !== first;
  });
});
