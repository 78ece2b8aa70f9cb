/**
 * The Node host's catalog thread (src/vscode/catalogWorker.ts) run as a real worker thread,
 * spoken to by the catalog protocol (src/core/catalogProtocol.ts): full and incremental
 * readings, the persistent cache, one clear outcome per bad path, an error answer for every
 * bad request, and questions answered while a big reading is being applied.
 */
import { strict as assert } from 'node:assert';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { buildSync } from 'esbuild';
import type { CatalogReply, ReadAnswer } from '../../src/core/catalogProtocol';
import type { PaperView } from '../../src/core/catalog';

const root = join(__dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'citelens-worker-'));
const cacheDir = join(dir, 'cache');
const bib = join(dir, 'papers.bib');
copyFileSync(join(root, 'examples', 'sample-workspace', readdirSync(join(root, 'examples', 'sample-workspace')).find((f) => f.endsWith('.bib'))!), bib);

// The worker as the extension ships it: bundled by esbuild (worker threads cannot load .ts).
const workerScript = join(dir, 'catalog-worker.js');
buildSync({ entryPoints: [join(root, 'src', 'vscode', 'catalogWorker.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: workerScript, logLevel: 'error' });

const workers: Worker[] = [];
after(() => Promise.all(workers.map((w) => w.terminate())));

interface Thread {
  /** Sends a raw message; resolves with the reply carrying its id (or the first reply for id -1). */
  send(message: unknown, id: number): Promise<CatalogReply>;
  call(method: string, ...args: unknown[]): Promise<CatalogReply>;
  read(fsPath: string, text?: string): Promise<ReadAnswer>;
  order: number[];
}

function startWorker(data: { cacheDir: string; cacheLimitBytes?: number } = { cacheDir }): Thread {
  const worker = new Worker(workerScript, { workerData: data });
  workers.push(worker);
  let nextId = 0;
  const pending = new Map<number, (r: CatalogReply) => void>();
  const order: number[] = [];
  worker.on('message', (m: CatalogReply) => {
    order.push(m.id);
    pending.get(m.id)?.(m);
    pending.delete(m.id);
  });
  const send = (message: unknown, id: number) => new Promise<CatalogReply>((resolve) => {
    pending.set(id, resolve);
    worker.postMessage(message);
  });
  const call = (method: string, ...args: unknown[]) => {
    const id = ++nextId;
    return send({ id, method, args }, id);
  };
  const read = async (fsPath: string, text?: string) => {
    const file = pathToFileURL(fsPath).toString();
    const reply = await call('read', text === undefined ? { file, label: fsPath, fsPath } : { file, label: fsPath, text });
    assert.equal(reply.ok, true, JSON.stringify(reply));
    return (reply as { value: ReadAnswer }).value;
  };
  return { send, call, read, order };
}

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) assert.fail('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function read(o: ReadAnswer) {
  assert.equal(o.kind, 'read', JSON.stringify(o));
  return o as Extract<ReadAnswer, { kind: 'read' }>;
}

test('a first read is full and writes the cache; a new thread serves the same reading from the cache', async () => {
  const thread = startWorker();
  const first = read(await thread.read(bib));
  assert.equal(first.source, 'disk');
  assert.equal(first.full, true);
  assert.ok(first.entries > 20);
  // Abstracts are indexed after the reading's answer: compare searches once both are done.
  const search = async (t: Thread, q: string) => {
    for (let i = 0; i < 500 && ((await t.call('status')) as { value: { abstractsPending: number } }).value.abstractsPending > 0; i++) await new Promise((r) => setTimeout(r, 20));
    return ((await t.call('search', q, 5)) as { value: PaperView[] }).value.map((p) => p.key);
  };
  const found = await search(thread, 'attention');
  assert.ok(found.length > 0);
  await until(() => existsSync(cacheDir) && readdirSync(cacheDir).some((f) => f.endsWith('.cache')));
  const again = startWorker();
  const cached = read(await again.read(bib));
  assert.equal(cached.source, 'cache');
  assert.equal(cached.entries, first.entries);
  assert.equal(cached.problems, first.problems);
  assert.deepEqual(cached.change.problems, first.change.problems);
  // The catalog built from the cache answers as the one built from the text.
  assert.deepEqual(await search(again, 'attention'), found);
  // After a cache hit the thread knows the text, so an edit is read incrementally.
  writeFileSync(bib, readFileSync(bib, 'utf8') + '\n@misc{appended2026, title = {Appended}}\n');
  const edited = read(await again.read(bib));
  assert.equal(edited.source, 'disk');
  assert.equal(edited.full, false);
  assert.ok(edited.reRead >= 1 && edited.reRead <= 2, String(edited.reRead));
  assert.equal(edited.entries, first.entries + 1);
  assert.deepEqual(await search(again, 'appended2026'), ['appended2026']);
});

test('a changed modification time or content misses the cache', async () => {
  const a = startWorker();
  read(await a.read(bib));
  await new Promise((r) => setTimeout(r, 300));
  utimesSync(bib, new Date(), new Date(Date.now() + 5000));
  const b = read(await startWorker().read(bib));
  assert.equal(b.source, 'disk');
});

test('an open document is read from its text and never served from the cache', async () => {
  const r = startWorker();
  const o = read(await r.read(bib, '@misc{onlyInEditor, title = {Unsaved}}\n'));
  assert.equal(o.source, 'document');
  assert.equal(o.entries, 1);
});

test('a folder named .bib, a missing file and a symlink loop each give one clear outcome', async () => {
  const r = startWorker();
  const folder = join(dir, 'folder.bib');
  mkdirSync(folder);
  assert.deepEqual(await r.read(folder), { kind: 'folder' });
  assert.deepEqual(await r.read(join(dir, 'gone.bib')), { kind: 'missing' });
  const loop = join(dir, 'loop.bib');
  symlinkSync(loop, loop);
  const o = await r.read(loop);
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
  read(await r.read(a));
  await until(() => existsSync(smallCache) && readdirSync(smallCache).filter((f) => f.endsWith('.cache')).length === 1);
  const first = readdirSync(smallCache).find((f) => f.endsWith('.cache'));
  read(await r.read(b));
  await until(() => {
    const left = readdirSync(smallCache).filter((f) => f.endsWith('.cache'));
    return left.length === 1 && left[0] !== first;
  });
});

test('every bad request gets an error answer, and the thread keeps answering', async () => {
  const t = startWorker();
  const bad: Array<[unknown, number, RegExp]> = [
    [{ id: 101, method: 'dropEverything', args: [] }, 101, /unknown method/],
    [{ id: 102, method: 'search', args: [42, 5] }, 102, /argument 1/],
    [{ id: 103, method: 'search', args: ['x', -1] }, 103, /argument 2/],
    [{ id: 104, method: 'search', args: ['x', 5, 'extra'] }, 104, /argument/],
    [{ id: 105, method: 'read', args: [{ file: 'file:///a.bib', label: 'a', fsPath: '/a.bib', text: 'both given' }] }, 105, /argument 1/],
    [{ id: 106, method: 'libraryQuery', args: [{ text: 1 }, 10] }, 106, /argument 1/],
    [{ id: 107 }, 107, /unknown method/],
    [{ method: 'status', args: [] }, -1, /numeric id/],
  ];
  for (const [message, id, why] of bad) {
    const reply = await t.send(message, id);
    assert.equal(reply.ok, false, JSON.stringify(message));
    assert.match((reply as { error: string }).error, why);
  }
  // A non-object message is answered too (with id -1).
  const raw = await t.send('not a request', -1);
  assert.equal(raw.ok, false);
  const status = await t.call('status');
  assert.equal(status.ok, true);
});

test('questions about a collection the catalog no longer has are answered, not left waiting', async () => {
  const t = startWorker();
  read(await t.read(bib));
  const file = pathToFileURL(bib).toString();
  const forgot = await t.call('forget', file);
  assert.equal(forgot.ok, true);
  assert.deepEqual((forgot as { value: { removed: string[] } }).value.removed, [file]);
  const at = await t.call('keyAt', file, 10);
  assert.deepEqual(at, { id: at.id, ok: true, value: undefined });
  const paper = await t.call('paper', 'appended2026');
  assert.equal(paper.ok, true);
  assert.equal((paper as { value: unknown }).value, undefined);
});

test('while a big collection is being read, questions are answered between its slices', async () => {
  const big = join(dir, 'big.bib');
  const entries: string[] = [];
  for (let i = 0; i < 40_000; i++) entries.push(`@article{big${i}, author = {Author ${i} and Other, A.}, title = {Title number ${i} about slices}, journal = {J}, year = {${1990 + (i % 30)}}}`);
  writeFileSync(big, entries.join('\n'));
  const t = startWorker({ cacheDir: join(dir, 'big-cache') });
  const reading = t.read(big);
  // Sent after the read: answered before it ends.
  await new Promise((r) => setTimeout(r, 30));
  const status = t.call('status');
  const [answer] = await Promise.all([reading, status]);
  const readId = 1;
  const statusId = 2;
  assert.ok(t.order.indexOf(statusId) < t.order.indexOf(readId), `answers came in the order ${t.order.join(', ')}`);
  assert.equal(read(answer).entries, 40_000);
  const hit = (await t.call('search', 'big39999', 1)) as { value: PaperView[] };
  assert.equal(hit.value[0]?.key, 'big39999');
});
