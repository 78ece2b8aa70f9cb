/**
 * The catalog (src/core/catalog.ts) as the worker uses it: readings applied whole and as
 * patches, what each change reports, crossref/xdata dependants, the questions features ask,
 * and answers from the keys while a reading is still being applied.
 */
import { test, describe } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { Catalog } from '../../src/core/catalog';
import { CatalogService } from '../../src/core/catalogProtocol';
import { IncrementalCollection } from '../../src/core/incremental';

const entry = (key: string, title: string, extra = '') => `@article{${key},\n  title = {${title}},\n  author = {Lovelace, Ada and Babbage, Charles},\n  journal = {Journal of Engines},\n  year = {1843}${extra}\n}\n`;

/** A catalog and a reader per file, as the worker keeps them. */
function setup() {
  const catalog = new Catalog();
  const readers = new Map<string, IncrementalCollection>();
  const read = async (file: string, text: string) => {
    let r = readers.get(file);
    if (!r) readers.set(file, (r = new IncrementalCollection(file)));
    const change = await catalog.apply(file, await r.update(text), { label: file });
    assert.ok(change, 'applied');
    return change;
  };
  return { catalog, read };
}

describe('Catalog', () => {
  test('a reading answers search, paper, keyInfo and status with plain data', async () => {
    const { catalog, read } = setup();
    const change = await read('a.bib', entry('lovelace1843', 'Notes on the Analytical Engine') + entry('babbage1864', 'Passages from the Life of a Philosopher'));
    assert.deepEqual(change.status.files, [{ file: 'a.bib', entries: 2, encoding: 'UTF-8' }]);
    assert.deepEqual(change.problems, { 'a.bib': [] });
    assert.deepEqual(catalog.search('analytical engine', 5).map((p) => p.key), ['lovelace1843']);
    const paper = catalog.paper('babbage1864')!;
    assert.equal(paper.title, 'Passages from the Life of a Philosopher');
    assert.equal(paper.location.key.line, 6);
    assert.equal(paper.location.key.column, 9);
    assert.equal(paper.location.entry.line, 6);
    assert.equal((paper.csl as { title: string }).title, 'Passages from the Life of a Philosopher');
    // Views are plain data: they survive a structured clone (a worker's postMessage) unchanged.
    assert.deepEqual(structuredClone(paper), paper);
    const info = catalog.keyInfo('lovelace1843');
    assert.equal(info.defined, true);
    assert.equal(info.declarations.length, 1);
    assert.equal(catalog.keyInfo('Lovelace1843').otherCase[0], 'lovelace1843');
  });

  test('an edit to one entry keeps the others (same stamp) and moves them', async () => {
    const { catalog, read } = setup();
    const entries = Array.from({ length: 30 }, (_, i) => entry(`k${i}`, `Steady title ${i}`));
    await read('a.bib', entries.join('\n'));
    const before = catalog.paper('k20')!;
    entries[5] = entry('k5', 'A changed title\nover two lines');
    await read('a.bib', entries.join('\n'));
    const after = catalog.paper('k20')!;
    assert.equal(after.stamp, before.stamp, 'not rebuilt');
    assert.equal(after.location.key.line, before.location.key.line + 1, 'moved');
    assert.notEqual(catalog.paper('k5')!.stamp, before.stamp);
    assert.deepEqual(catalog.search('changed title', 3).map((p) => p.key), ['k5']);
  });

  test('crossref dependants in another file follow their parent; problems of both files are given again', async () => {
    const { catalog, read } = setup();
    await read('parent.bib', '@proceedings{conf2020,\n  title = {Proceedings of Things},\n  year = {2020}\n}\n');
    await read('child.bib', '@inproceedings{talk2020,\n  title = {A Talk},\n  author = {Speaker, Sam},\n  crossref = {conf2020}\n}\n');
    assert.equal(catalog.paper('talk2020')!.year, '2020');
    assert.deepEqual(catalog.search('proceedings things talk', 5).map((p) => p.key), ['talk2020']);
    const change = await read('parent.bib', '@proceedings{conf2020,\n  title = {Proceedings of Other Things},\n  year = {2021}\n}\n');
    assert.ok('child.bib' in change.problems, 'the dependant file is reported');
    assert.equal(catalog.paper('talk2020')!.year, '2021');
    const removed = catalog.remove('parent.bib');
    assert.deepEqual(removed.removed, ['parent.bib']);
    assert.deepEqual(removed.problems['child.bib'].map((p) => p.code), ['missing-parent']);
  });

  test('duplicate keys across files are a problem in both; judge follows scope and case', async () => {
    const { catalog, read } = setup();
    await read('a.bib', entry('same2020', 'First'));
    const change = await read('b.bib', entry('same2020', 'Second') + entry('onlyb', 'Only B', ',\n  ids = {aliasb}'));
    assert.deepEqual(change.problems['a.bib'].map((p) => p.code), ['duplicate-key']);
    assert.deepEqual(change.problems['b.bib'].map((p) => p.code), ['duplicate-key']);
    const v = catalog.judge(['onlyb', 'OnlyB', 'aliasb', 'missing'], ['a.bib']);
    assert.deepEqual(v.onlyb.problem, { kind: 'undefined-key', spellings: [], definedIn: ['b.bib'] });
    assert.equal(v.OnlyB.problem?.kind, 'undefined-key');
    assert.equal(v.OnlyB.knownInAnyCase, true);
    assert.equal(catalog.judge(['OnlyB'])['OnlyB'].problem?.kind, 'case-mismatch');
    assert.equal(catalog.judge(['aliasb'], ['b.bib']).aliasb.problem, null);
    assert.equal(v.missing.knownInAnyCase, false);
    assert.deepEqual(catalog.keyInfo('onlyb').aliases, ['aliasb']);
    assert.equal(catalog.keyInfo('aliasb').canonical, 'onlyb');
  });

  test('while a big reading is applied, a typed key is found from the keys before the word index has it', async () => {
    const catalog = new Catalog();
    const text = Array.from({ length: 3000 }, (_, i) => entry(`early${i}`, `Title ${i}`)).join('\n');
    const patch = await new IncrementalCollection('big.bib').update(text);
    let pauses = 0;
    let seenDuringApply: string[] | undefined;
    const applying = catalog.apply('big.bib', patch, {
      sliceMs: 0,
      pause: async () => {
        pauses++;
        // The first pause after the keys are attached, before every paper is indexed.
        if (!seenDuringApply && catalog.size === 3000 && catalog.searchHits('early2999', 1).length === 0) seenDuringApply = catalog.search('early2999', 5).map((p) => p.key);
      },
    });
    await applying;
    assert.ok(pauses > 0);
    assert.deepEqual(seenDuringApply?.[0], 'early2999');
    assert.equal(catalog.status().indexing, false);
    assert.deepEqual(catalog.search('early2999', 1).map((p) => p.key), ['early2999']);
  });

  test('while a file is read whole again, every exact key is found at every pause (a rescan never hides a key)', async () => {
    const catalog = new Catalog();
    const keys = Array.from({ length: 2000 }, (_, i) => `again:${i}.x-${i}`);
    const text = (title: string) => keys.map((k) => entry(k, `${title} ${k}`)).join('\n');
    await catalog.apply('again.bib', await new IncrementalCollection('again.bib').update(text('First')), { label: 'again.bib' });
    const missed = new Set<string>();
    let pauses = 0;
    // A full reading (another reader: no incremental patch) of the same file, as after a restart or an @string edit.
    await catalog.apply('again.bib', await new IncrementalCollection('again.bib').update(text('Second')), {
      sliceMs: 0,
      pause: async () => {
        pauses++;
        for (const k of [keys[0], keys[999], keys[1999]]) if (catalog.search(k, 5)[0]?.key !== k) missed.add(`${k} at pause ${pauses}`);
      },
    });
    assert.ok(pauses > 3, `pauses: ${pauses}`);
    assert.deepEqual([...missed].slice(0, 5), []);
    assert.equal(catalog.search(keys[999], 1)[0].key, keys[999]);
    assert.match(catalog.paper(keys[999])!.title, /^Second/);
  });

  test('while an edited entry is read again, its key is still found at every pause', async () => {
    const catalog = new Catalog();
    const reader = new IncrementalCollection('edit.bib');
    const keys = Array.from({ length: 400 }, (_, i) => `edited-${i}`);
    // A stretch of 200 entries edited at once (a replace-all), so that the re-reading pauses.
    const text = (edited: string) => keys.map((k, i) => entry(k, i >= 100 && i < 300 ? `${edited} ${i}` : `Kept ${i}`)).join('\n');
    await catalog.apply('edit.bib', await reader.update(text('Before')), { label: 'edit.bib' });
    const patch = await reader.update(text('After the edit'));
    assert.equal(patch.full, false, 'an incremental patch');
    const missed: number[] = [];
    let pauses = 0;
    await catalog.apply('edit.bib', patch, {
      sliceMs: 0,
      pause: async () => {
        pauses++;
        if (catalog.search('edited-200', 5)[0]?.key !== 'edited-200') missed.push(pauses);
      },
    });
    assert.ok(pauses > 0, 'the re-reading paused');
    assert.deepEqual(missed, []);
    assert.equal(catalog.paper('edited-200')!.title, 'After the edit 200');
  });

  test('before a whole reading is attached, its keys answer a typed key and a hover from the one entry', async () => {
    const catalog = new Catalog();
    const text = Array.from({ length: 3000 }, (_, i) => entry(`soon${i}`, `Title ${i}`)).join('\n');
    const patch = await new IncrementalCollection('soon.bib').update(text);
    let early: { keys: string[]; title?: string; line?: number; family?: string } | undefined;
    await catalog.apply('soon.bib', patch, {
      sliceMs: 0,
      pause: async () => {
        // The first pause: nothing attached yet.
        if (early || catalog.size !== 0) return;
        const paper = catalog.paper('soon2999');
        early = { keys: catalog.search('soon2999', 3).map((p) => p.key), title: paper?.title, line: paper?.location.key.line, family: paper?.authors[0]?.family };
      },
    });
    assert.ok(early, 'asked before anything was attached');
    assert.equal(early.keys[0], 'soon2999', 'the exact key first');
    assert.equal(early.title, 'Title 2999');
    assert.equal(early.family, 'Lovelace');
    assert.equal(early.line, catalog.paper('soon2999')!.location.key.line, 'placed as when attached');
    // Attached: the pending keys are gone; an unknown key is still unknown.
    assert.equal(catalog.paper('soon3000'), undefined);
    assert.equal(catalog.search('soon2999', 1)[0].key, 'soon2999');
  });

  test('the service answers a request in this thread as the worker does; bad ones get an error', async () => {
    const service = new CatalogService({ pause: () => Promise.resolve(), sliceMs: 15, memory: () => ({ heapUsedMB: 0, heapTotalMB: 0, thread: 'host' }) });
    const bytes = new TextEncoder().encode(entry('inthread2026', 'Read from bytes'));
    const read = await service.handle({ id: 1, method: 'read', args: [{ file: 'file:///x.bib', label: 'x.bib', bytes }] });
    assert.equal(read.ok, true);
    assert.equal((read as { value: { kind: string; entries: number } }).value.entries, 1);
    const path = await service.handle({ id: 2, method: 'read', args: [{ file: 'file:///y.bib', label: 'y.bib', fsPath: '/y.bib' }] });
    assert.deepEqual(path, { id: 2, ok: true, value: { kind: 'unreadable', message: 'this reader cannot read local paths' } });
    assert.equal((await service.handle({ id: 3, method: 'nope', args: [] })).ok, false);
    assert.equal((await service.handle({ id: 4, method: 'paper', args: [] })).ok, false);
    const found = await service.handle({ id: 5, method: 'paper', args: ['inthread2026'] });
    assert.equal((found as { value: { title: string } }).value.title, 'Read from bytes');
  });

  test('citation styles are built and used in the catalog: unknown style, broken style and bad items get error answers', async () => {
    const service = new CatalogService({ pause: () => Promise.resolve(), sliceMs: 15, memory: () => ({ heapUsedMB: 0, heapTotalMB: 0, thread: 'host' }) });
    const cslDir = join(__dirname, '..', '..', 'media', 'csl');
    const xml = readFileSync(join(cslDir, 'apa.csl'), 'utf8');
    const locales = { 'en-US': readFileSync(join(cslDir, 'locales-en-US.xml'), 'utf8') };
    const item = { id: 'lovelace1843', type: 'article-journal', title: 'Notes on the analytical engine', author: [{ family: 'Lovelace', given: 'Ada' }], issued: { 'date-parts': [[1843]] }, 'container-title': 'Scientific Memoirs' };
    const before = await service.handle({ id: 1, method: 'styleFormat', args: ['bundled:apa', 'bibliography', [item]] });
    assert.equal(before.ok, false);
    assert.match((before as { error: string }).error, /^unknown style bundled:apa/);
    const built = await service.handle({ id: 2, method: 'styleBuild', args: ['bundled:apa', xml, locales] });
    assert.equal(built.ok, true, JSON.stringify(built).slice(0, 200));
    assert.match((built as { value: { title: string } }).value.title, /American Psychological Association/);
    const refs = await service.handle({ id: 3, method: 'styleFormat', args: ['bundled:apa', 'bibliography', [item]] });
    const text = ((refs as { value: Array<{ text: Array<{ text: string }> }> }).value[0].text).map((s) => s.text).join('');
    assert.equal(text, 'Lovelace, A. (1843). Notes on the analytical engine. Scientific Memoirs.');
    const cite = await service.handle({ id: 4, method: 'styleFormat', args: ['bundled:apa', 'citation', [item]] });
    assert.equal((cite as { value: Array<{ text: string }> }).value.map((s) => s.text).join(''), '(Lovelace, 1843)');
    const broken = await service.handle({ id: 5, method: 'styleBuild', args: ['file:///broken.csl', '<style><citation><layout><text variable=', locales] });
    assert.equal(broken.ok, false);
    assert.equal((await service.handle({ id: 6, method: 'styleFormat', args: ['bundled:apa', 'bibliography', [{ title: 'no id' }]] })).ok, false);
    assert.equal((await service.handle({ id: 7, method: 'styleFormat', args: ['bundled:apa', 'html', [item]] })).ok, false);
    assert.equal((await service.handle({ id: 8, method: 'styleBuild', args: ['x', xml, { 'en-US': 42 }] })).ok, false);
  });
});
