/**
 * Index lists stored in the cache (PaperIndex.exportSegment / addFromSegment, cacheFormat's
 * index section): a catalog started from a cached reading and its lists answers every search
 * exactly as one that tokenized the text, and a damaged or mismatched segment only costs the
 * tokenizing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Catalog } from '../../src/core/catalog';
import { decodeCache, encodeCache } from '../../src/core/cacheFormat';
import { IncrementalCollection } from '../../src/core/incremental';
import type { IndexSegment } from '../../src/core/search';
import { flatKeys } from '../../src/core/flat';
import { generateBibtex } from '../../bench/generate';

const fingerprint = { size: 1, mtime: 2, hash: 'h' };

/** A library with abstracts, a duplicate key, crossref/xdata children, non-ASCII and a broken entry. */
const text =
  generateBibtex(1500, { seed: 7, abstractRatio: 0.6 }) +
  `@proceedings{conf2020, title = {Proceedings of the Conference on Things}, year = {2020}, publisher = {Thing Press}}
@inproceedings{talk2020, title = {A Talk}, author = {Öztürk, Zeynep}, crossref = {conf2020}}
@xdata{shared, publisher = {Shared Publisher}}
@book{usesxdata, title = {Borrowed Fields}, author = {Núñez, José}, xdata = {shared}, abstract = {Sharing fields between entries in biblatex.}}
@article{dupkey, title = {First definition}, author = {One, A}, year = {2001}}
@article{dupkey, title = {Second definition}, author = {Two, B}, year = {2002}}
@article{broken, title = {Missing brace, year = {2003}
@article{after, title = {Ünïcödé Tïtlé — “quoted”}, author = {Ĳsselmeer, Piet and d'Alembert, Jean}, year = {2004}, abstract = {Naïve café résumé.}}
`;

const queries = [
  'things', 'talk', 'borrowed', 'shared publisher', 'first definition', 'second definition', 'unicode title', 'ünïcödé', 'naive cafe', 'alembert',
  'dupkey', 'conf', 'a', 'th', 'neural', 'learning', 'network', 'model', 'data', 'analysis', 'graph', 'transl', 'languag', 'netwrok', '2004', 'öztürk', 'nunez',
];

async function built(): Promise<{ catalog: Catalog; reading: Awaited<ReturnType<IncrementalCollection['update']>> }> {
  const reading = await new IncrementalCollection('lib.bib').update(text);
  const catalog = new Catalog();
  assert.ok(await catalog.apply('lib.bib', reading, { label: 'lib.bib' }));
  await catalog.indexAbstracts();
  return { catalog, reading };
}

/** Every query's hits with their scores, and what the library reports. */
function answers(catalog: Catalog) {
  const out: Record<string, unknown> = {};
  for (const q of queries) out[q] = catalog.searchHits(q, 40).map((h) => `${h.paper.key}:${h.score.toFixed(6)}`);
  out.status = { ...catalog.status(), indexing: false };
  return out;
}

/** A catalog started as the worker starts from a cache file: the reading and its lists decoded. */
async function fromCache(segment: IndexSegment | undefined, reading: Awaited<ReturnType<IncrementalCollection['update']>>) {
  const cached = decodeCache(encodeCache(reading, fingerprint, 'UTF-8', segment), 'lib.bib', fingerprint);
  assert.ok(cached, 'the cache file decodes');
  const catalog = new Catalog();
  assert.ok(await catalog.apply('lib.bib', cached.patch, { label: 'lib.bib', index: cached.index }));
  await catalog.indexAbstracts();
  return { catalog, cached };
}

test('a catalog started from cached index lists answers every search as one that tokenized the text', async () => {
  const { catalog, reading } = await built();
  const segment = catalog.indexSegment('lib.bib');
  assert.ok(segment, 'a segment once the reading is applied');
  assert.ok(segment.terms.length > 1000 && segment.forward2.length > 0, 'terms and abstract lists are stored');
  const { catalog: restored, cached } = await fromCache(segment, reading);
  assert.ok(cached.index, 'the cache file holds the lists');
  assert.deepEqual([...cached.index.counts1], [...segment.counts1]);
  assert.deepEqual(cached.index.terms, segment.terms);
  assert.deepEqual(answers(restored), answers(catalog));
  // And the lists restored are exported again unchanged (a second start is the same).
  assert.deepEqual(restored.indexSegment('lib.bib'), segment);
});

test('the stored lists are what a start uses: a term changed in the segment is found, the original is not', async () => {
  const { catalog, reading } = await built();
  const segment = catalog.indexSegment('lib.bib')!;
  const at = segment.terms.indexOf('borrowed');
  assert.ok(at >= 0);
  const tampered = { ...segment, terms: segment.terms.map((t, i) => (i === at ? 'zzyzx' : t)) };
  const { catalog: restored } = await fromCache(tampered, reading);
  assert.deepEqual(restored.search('zzyzx', 5).map((p) => p.key), [], 'usesxdata inherits fields: it is tokenized, not restored');
  const ordinary = segment.terms.indexOf('definition');
  const tampered2 = { ...segment, terms: segment.terms.map((t, i) => (i === ordinary ? 'zzyzx' : t)) };
  const { catalog: restored2 } = await fromCache(tampered2, reading);
  assert.deepEqual(restored2.search('zzyzx', 5).map((p) => p.key), ['dupkey']);
  assert.deepEqual(restored2.search('definition', 5).map((p) => p.key), []);
});

test('a damaged or mismatched segment only costs tokenizing: the answers stay right', async () => {
  const { catalog, reading } = await built();
  const segment = catalog.indexSegment('lib.bib')!;
  const expected = answers(catalog);
  const damaged: IndexSegment[] = [
    { ...segment, counts1: segment.counts1.map((n, i) => (i === 3 ? n + 1 : n)) },
    { ...segment, forward1: segment.forward1.map((v, i) => (i === 5 ? (segment.terms.length + 9) << 6 : v)) },
    { ...segment, forward2: segment.forward2.map((v, i) => (i === 0 ? -1 : v)) },
    { ...segment, counts2: segment.counts2.subarray(1) },
  ];
  for (const bad of damaged) {
    const catalog2 = new Catalog();
    assert.ok(await catalog2.apply('lib.bib', reading, { label: 'lib.bib', index: bad }));
    await catalog2.indexAbstracts();
    assert.deepEqual(answers(catalog2), expected);
  }
  // A segment whose entry count is not the reading's is not written at all.
  const short = { ...segment, counts1: segment.counts1.subarray(1), counts2: segment.counts2.subarray(1) };
  assert.equal(decodeCache(encodeCache(reading, fingerprint, 'UTF-8', short), 'lib.bib', fingerprint)?.index, undefined);
});

test('no segment while a reading is applied, nor for keys that are not the catalog’s', async () => {
  const { catalog, reading } = await built();
  const keys = reading.added.count;
  assert.ok(keys > 1500);
  assert.equal(catalog.indexSegment('other.bib'), undefined);
  assert.equal(catalog.indexSegment('lib.bib', ['a', 'b']), undefined);
  // An edit applied as a patch: the lists still describe the (edited) entries in order.
  const collection = new IncrementalCollection('lib.bib');
  await collection.update(text);
  const edited = text.replace('title = {A Talk}', 'title = {A Longer Talk}');
  const fresh = new Catalog();
  await fresh.apply('lib.bib', await new IncrementalCollection('lib.bib').update(text), {});
  assert.ok(await fresh.apply('lib.bib', await collection.update(edited), {}));
  const rereading = await new IncrementalCollection('lib.bib').update(edited);
  const segment = fresh.indexSegment('lib.bib', flatKeys(rereading.added).keys);
  assert.ok(segment);
  const { catalog: restored } = await fromCache(segment, rereading);
  assert.deepEqual(restored.search('longer talk', 3).map((p) => p.key), ['talk2020']);
  let during: IndexSegment | undefined | 'unset' = 'unset';
  const busy = new Catalog();
  await busy.apply('lib.bib', reading, {
    pause: async () => {
      if (during === 'unset') during = busy.indexSegment('lib.bib');
    },
    sliceMs: 0,
  });
  assert.equal(during, undefined);
});
