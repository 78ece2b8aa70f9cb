import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PaperIndex, keyTokens, tokenize } from '../../src/core/search';
import type { Entry, Paper, Person } from '../../src/core/model';
import { parseBibtex } from '../../src/core/bibtex';
import { toPaper } from '../../src/core/paper';

function person(family: string, given = '', von = ''): Person {
  return { family, given, von, suffix: '' };
}

interface Spec {
  key: string;
  title?: string;
  authors?: Person[];
  year?: string;
  venue?: string;
  abstract?: string;
  keywords?: string[];
  file?: string;
  arxivClass?: string;
}

function paper(s: Spec): Paper {
  const file = s.file ?? 'a.bib';
  const entry = { type: 'article', key: s.key, file, format: 'bibtex', fields: {} } as unknown as Entry;
  return {
    key: s.key,
    type: 'article',
    file,
    entry,
    authors: s.authors ?? [],
    editors: [],
    etAl: false,
    title: s.title ?? '',
    year: s.year ?? '',
    venue: s.venue ?? '',
    abstract: s.abstract ?? '',
    keywords: s.keywords ?? [],
    doi: '',
    url: '',
    arxivClass: s.arxivClass ?? '',
    aliases: [],
  };
}

function keys(index: PaperIndex, q: string, limit?: number): string[] {
  return index.search(q, limit).map((h) => h.key);
}

const oh = person('Oh', 'Seong Joon');
const kirchhof = person('Kirchhof', 'Michael');
const mucsanyi = person('Mucsányi', 'Bálint');
const muller = person('Müller', 'Thomas');

function sample(): Paper[] {
  return [
    paper({ key: 'kirchhof2024pretrained', title: 'Pretrained Visual Uncertainties', authors: [kirchhof, oh], year: '2024', abstract: 'Uncertainty estimation so far had to be learned from scratch.' }),
    paper({ key: 'balint2024disentanglement', title: 'Benchmarking Uncertainty Disentanglement', authors: [mucsanyi, kirchhof, oh], year: '2024', venue: 'NeurIPS' }),
    paper({ key: 'oh2018uncertainty', title: 'Modeling Uncertainty with Hedged Instance Embedding', authors: [oh], year: '2018', venue: 'ICLR' }),
    paper({ key: 'smith2024transformers', title: 'Transformers for Everything', authors: [person('Smith', 'John')], year: '2024', abstract: 'We discuss uncertainty of transformers.' }),
    paper({ key: 'mueller2020:graph-nets_v2/final.x', title: 'Graph Networks', authors: [muller], year: '2020', venue: 'Journal of Graphs' }),
    paper({ key: 'lee2021', title: 'Learning to Rank', authors: [person('Lee', 'Ann')], year: '2021', keywords: ['Ranking', 'Retrieval'] }),
  ];
}

function built(papers = sample()): PaperIndex {
  const index = new PaperIndex();
  index.addPapers(papers);
  return index;
}

test('empty and blank queries return nothing', () => {
  const index = built();
  assert.deepEqual(index.search(''), []);
  assert.deepEqual(index.search('   '), []);
});

test('all terms must match (AND)', () => {
  const index = built();
  assert.deepEqual(keys(index, 'kirchhof benchmarking'), ['balint2024disentanglement']);
  assert.deepEqual(keys(index, 'kirchhof transformers'), []);
});

test('the last term is a prefix, a complete earlier term is not required to be one', () => {
  const index = built();
  assert.deepEqual(keys(index, 'disentang'), ['balint2024disentanglement']);
  assert.deepEqual(keys(index, 'hedged inst'), ['oh2018uncertainty']);
  // A short earlier term is exact only: `le` is not expanded to `learning`/`lee`.
  assert.deepEqual(keys(index, 'le rank'), []);
  // Trailing space: the last term is complete, so short terms are exact.
  assert.deepEqual(keys(index, 'le '), []);
  assert.ok(keys(index, 'le').includes('lee2021'));
});

test('fuzzy matching only on terms of five or more letters', () => {
  const index = built();
  // One typo in a long term still finds it.
  assert.deepEqual(keys(index, 'kirchhpf visual'), ['kirchhof2024pretrained']);
  assert.deepEqual(keys(index, 'benchmarkign'), ['balint2024disentanglement']);
  // No typo tolerance on short terms: `lwe` is not `lee`, `oj` is not `oh`.
  assert.deepEqual(keys(index, 'lwe '), []);
  assert.deepEqual(keys(index, 'oj '), []);
  // Edit distance 2 is too far.
  assert.deepEqual(keys(index, 'kirxhhpf '), []);
});

test('a typo that is itself a word is retried with typo tolerance when nothing matches', () => {
  const index = built([
    paper({ key: 'a', title: 'Graph networks', authors: [person('Kirchhof', 'Michael')] }),
    paper({ key: 'b', title: 'Something else', authors: [person('Kirchof', 'Anna')] }),
  ]);
  assert.deepEqual(keys(index, 'kirchof'), ['b']);
  assert.deepEqual(keys(index, 'kirchof networks'), ['a']);
});

test('few candidates: later terms are checked per candidate with full prefix semantics', async () => {
  // 45 frequent terms starting with `co` crowd out the rare `cobweb` from the bounded
  // prefix expansion of `co`; after `zebra` leaves one candidate, it is still found.
  const ps: Paper[] = [];
  for (let w = 0; w < 45; w++) {
    for (let i = 0; i < 10; i++) {
      const word = 'co' + String.fromCharCode(97 + (w % 26)) + String.fromCharCode(97 + Math.floor(w / 26)) + 'x';
      ps.push(paper({ key: `p${w}_${i}`, title: `${word} filler`, abstract: `shared words ${word}` }));
    }
  }
  ps.push(paper({ key: 'target', title: 'Zebra cobweb', abstract: 'shared words about quokkas' }));
  ps.push(paper({ key: 'decoy', title: 'Zebra crossing' }));
  const index = built(ps);
  assert.deepEqual(keys(index, 'zebra co'), ['target']);
  assert.deepEqual(keys(index, 'co zebra'), [], 'a short earlier term is not a prefix');
  assert.deepEqual(keys(index, 'zebra cr'), ['decoy']);
  assert.deepEqual(keys(index, 'zebra cobwex'), ['target'], 'fuzzy expansions are checked too');
  assert.deepEqual(keys(index, 'zebra shar'), []);
  await index.indexAbstracts();
  assert.deepEqual(keys(index, 'zebra shar'), ['target'], 'abstract forward lists');
  assert.deepEqual(keys(index, 'zebra quok'), ['target']);
  assert.deepEqual(keys(index, 'zebra zz'), []);
});

test('a query that is a key prefix ranks those keys first', () => {
  const index = built();
  const hits = keys(index, 'oh20');
  assert.equal(hits[0], 'oh2018uncertainty');
  // Without the fast path `oh` alone ranks Oh's papers by text; the key prefix wins.
  const all = index.search('oh2018uncertainty');
  assert.equal(all[0].key, 'oh2018uncertainty');
  assert.ok(all[0].score > 1000);
});

test('keys with punctuation: whole-key prefixes and parts both match', () => {
  const index = built();
  const key = 'mueller2020:graph-nets_v2/final.x';
  assert.deepEqual(keys(index, 'mueller2020:gra'), [key]);
  assert.deepEqual(keys(index, 'mueller2020:graph-nets_v2/final.x'), [key]);
  assert.deepEqual(keys(index, 'nets'), [key]);
  assert.deepEqual(keys(index, 'final'), [key]);
  assert.deepEqual(keys(index, 'mueller 2020'), [key]);
  assert.deepEqual(keyTokens('kirchhof2020:uncertainty'), ['kirchhof2020', 'kirchhof', '2020', 'uncertainty']);
});

test('diacritics fold both ways', () => {
  const index = built();
  assert.deepEqual(keys(index, 'muller'), ['mueller2020:graph-nets_v2/final.x']);
  assert.deepEqual(keys(index, 'Müller'), ['mueller2020:graph-nets_v2/final.x']);
  assert.deepEqual(keys(index, 'MÜLLER graph'), ['mueller2020:graph-nets_v2/final.x']);
  assert.deepEqual(keys(index, 'mucsanyi'), ['balint2024disentanglement']);
  assert.deepEqual(keys(index, 'Mucsányi bálint'), ['balint2024disentanglement']);
  assert.deepEqual(tokenize("O’Brien and O'Brien Straße"), ['obrien', 'and', 'obrien', 'strasse']);
});

test('a title match ranks above an abstract-only match', async () => {
  const index = built();
  await index.indexAbstracts();
  const hits = keys(index, 'uncertainty');
  const titleHit = hits.indexOf('balint2024disentanglement');
  const abstractOnly = hits.indexOf('smith2024transformers');
  assert.ok(titleHit >= 0 && abstractOnly >= 0, hits.join());
  assert.ok(titleHit < abstractOnly);
  assert.equal(hits[hits.length - 1], 'smith2024transformers');
});

test('years are terms: "oh 2024 uncertainty" finds Oh’s 2024 uncertainty papers first', () => {
  const index = built();
  // `uncertainty` also finds the plural in `Pretrained Visual Uncertainties`.
  assert.deepEqual(keys(index, 'oh 2024 uncertainty').sort(), ['balint2024disentanglement', 'kirchhof2024pretrained']);
  assert.deepEqual(keys(index, 'oh 2018'), ['oh2018uncertainty']);
});

test('abstracts are searchable after indexAbstracts and not before', async () => {
  const index = built();
  assert.deepEqual(keys(index, 'scratch'), []);
  assert.ok(index.abstractsPending > 0);
  await index.indexAbstracts();
  assert.deepEqual(keys(index, 'scratch'), ['kirchhof2024pretrained']);
  assert.equal(index.abstractsPending, 0);
});

test('indexAbstracts yields between slices and honours abort', async () => {
  const many: Paper[] = [];
  for (let i = 0; i < 3000; i++) {
    many.push(paper({ key: `k${i}`, title: `Paper ${i}`, abstract: `word${i} common text about things number ${i} `.repeat(20) }));
  }
  const index = built(many);
  let ticks = 0;
  const timer = setInterval(() => ticks++, 0);
  await index.indexAbstracts({ sliceMs: 1 });
  clearInterval(timer);
  assert.ok(ticks > 0, 'the event loop ran during indexing');
  assert.equal(keys(index, 'word2999')[0], 'k2999');

  const index2 = built(many);
  const signal = { aborted: false };
  const p = index2.indexAbstracts({ sliceMs: 1, signal });
  signal.aborted = true;
  await p;
  assert.ok(index2.abstractsPending > 0);
  assert.deepEqual(keys(index2, 'word2999'), []);
});

test('removeFile and replaceFile', async () => {
  const index = new PaperIndex();
  index.addPapers([
    paper({ key: 'a1', title: 'Alpha particles', file: 'a.bib' }),
    paper({ key: 'a2', title: 'Alpha decay', file: 'a.bib', abstract: 'gamma rays' }),
  ]);
  index.addPapers([paper({ key: 'b1', title: 'Alpha beta', file: 'b.bib' })]);
  await index.indexAbstracts();
  assert.equal(index.size, 3);
  assert.deepEqual(keys(index, 'alpha').sort(), ['a1', 'a2', 'b1']);

  index.removeFile('a.bib');
  assert.equal(index.size, 1);
  assert.deepEqual(keys(index, 'alpha'), ['b1']);
  assert.equal(index.get('a1'), undefined);
  assert.deepEqual(keys(index, 'gamma'), []);
  assert.deepEqual(keys(index, 'a1'), []);

  const b1 = paper({ key: 'b1', title: 'Alpha beta', file: 'b.bib' });
  index.replaceFile('b.bib', [b1, paper({ key: 'b2', title: 'Omega point', file: 'b.bib', abstract: 'delta waves' })]);
  assert.equal(index.size, 2);
  assert.equal(index.get('b1'), b1, 'unchanged paper object is swapped in');
  assert.deepEqual(keys(index, 'omega'), ['b2']);
  assert.deepEqual(keys(index, 'delta'), ['b2'], 'abstracts of replaced papers indexed once phase 2 ran');

  index.replaceFile('b.bib', [paper({ key: 'b1', title: 'Changed title', file: 'b.bib' })]);
  assert.deepEqual(keys(index, 'alpha'), []);
  assert.deepEqual(keys(index, 'changed'), ['b1']);
  assert.deepEqual(keys(index, 'omega'), []);
  assert.equal(index.size, 1);
  assert.deepEqual([...index.papers()].map((p) => p.key), ['b1']);
});

test('many replacements stay correct through automatic vacuuming', () => {
  const index = new PaperIndex();
  const other: Paper[] = [];
  for (let i = 0; i < 200; i++) other.push(paper({ key: `o${i}`, title: `stable topic ${i}`, file: 'o.bib' }));
  index.addPapers(other);
  for (let round = 0; round < 30; round++) {
    const ps: Paper[] = [];
    for (let i = 0; i < 500; i++) ps.push(paper({ key: `x${i}`, title: `zq${round}zq${round} entry ${i}`, file: 'x.bib' }));
    index.replaceFile('x.bib', ps);
  }
  assert.equal(index.size, 700);
  assert.equal(keys(index, 'zq29zq29 ', 1000).length, 500);
  assert.deepEqual(keys(index, 'zq28zq28 '), []);
  assert.equal(keys(index, 'stable', 1000).length, 200);
});

test('order is deterministic: score, then year desc, then key', () => {
  const ps = [
    paper({ key: 'b', title: 'Same words', year: '2020' }),
    paper({ key: 'a', title: 'Same words', year: '2020' }),
    paper({ key: 'c', title: 'Same words', year: '2022' }),
    paper({ key: 'd', title: 'Same words', year: '' }),
  ];
  const index = built(ps);
  assert.deepEqual(keys(index, 'same words'), ['c', 'a', 'b', 'd']);
  const reversed = built([...ps].reverse());
  assert.deepEqual(keys(reversed, 'same words'), ['c', 'a', 'b', 'd']);
  assert.deepEqual(keys(index, 'same words', 2), ['c', 'a']);
});

test('get, getAll and size', () => {
  const index = built();
  assert.equal(index.size, 6);
  assert.equal(index.get('lee2021')?.title, 'Learning to Rank');
  assert.equal(index.get('LEE2021'), undefined);
  index.addPapers([paper({ key: 'lee2021', title: 'Duplicate', file: 'b.bib' })]);
  assert.equal(index.get('lee2021')?.title, 'Learning to Rank');
  assert.deepEqual(index.getAll('lee2021').map((p) => p.file), ['a.bib', 'b.bib']);
});

test('author name forms: parts, particles and joined compound names', () => {
  const index = built([
    paper({ key: 'a', title: 'One', authors: [person('Berg', 'Anna', 'van der')] }),
    paper({ key: 'b', title: 'Two', authors: [person('García-López', 'José')] }),
    paper({ key: 'c', title: 'Three', authors: [{ given: '', von: '', family: '', suffix: '', literal: 'World Health Organization' }] }),
  ]);
  assert.deepEqual(keys(index, 'berg'), ['a']);
  assert.deepEqual(keys(index, 'van der berg'), ['a']);
  assert.deepEqual(keys(index, 'vanderberg'), ['a']);
  assert.deepEqual(keys(index, 'garcia lopez'), ['b']);
  assert.deepEqual(keys(index, 'garcialopez'), ['b']);
  assert.deepEqual(keys(index, 'jose'), ['b']);
  assert.deepEqual(keys(index, 'health organiz'), ['c']);
});

test('keywords and arXiv class are searchable', () => {
  const index = built([...sample(), paper({ key: 'z', title: 'Zeta', arxivClass: 'cs.LG' })]);
  assert.deepEqual(keys(index, 'retrieval'), ['lee2021']);
  assert.deepEqual(keys(index, 'zeta cs'), ['z']);
});

test('the shared library: "oh 2024 uncertainty" ranks Oh’s 2024 uncertainty papers first', () => {
  const dir = '/work/shared/library';
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.bib'));
  } catch {
    return; // not available on this machine
  }
  const papers: Paper[] = [];
  for (const f of files) {
    const file = join(dir, f);
    for (const e of parseBibtex(readFileSync(file, 'utf8'), file).entries) papers.push(toPaper(e));
  }
  const index = built(papers);
  const hits = index.search('oh 2024 uncertainty', 10);
  assert.ok(hits.length >= 3, `${hits.length} hits`);
  const isOh = (p: Paper) => p.authors.some((a) => a.family === 'Oh' && a.given.startsWith('Seong'));
  const relevant = (p: Paper) => isOh(p) && p.year === '2024' && /uncertaint/i.test(p.title + ' ' + p.keywords.join(' '));
  const n = papers.filter(relevant).length;
  assert.ok(n >= 2, `${n} relevant papers in the library`);
  for (let i = 0; i < Math.min(n, hits.length); i++) {
    assert.ok(relevant(hits[i].paper), `hit ${i}: ${hits[i].key} ${hits[i].paper.title}`);
  }
});

test('patchFile: papers added in batches search like one bulk add; removing by entry drops exactly those', async () => {
  const { parseBibtex } = await import('../../src/core/bibtex');
  const { Library } = await import('../../src/core/library');
  const { readFileSync, readdirSync } = await import('node:fs');
  const { join } = await import('node:path');
  const dir = join(__dirname, '..', '..', 'examples', 'sample-workspace');
  const lib = new Library();
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.bib'))) lib.setFile(parseBibtex(readFileSync(join(dir, f), 'utf8'), f));
  const file = lib.files[0];
  const papers = lib.papersOf(file);
  const bulk = new PaperIndex();
  bulk.addPapers(papers);
  const batched = new PaperIndex();
  for (let i = 0; i < papers.length; i += 7) batched.patchFile(file, [], papers.slice(i, i + 7));
  for (const q of ['uncertainty', 'oh 2024', 'kirch', 'probabilistic embeddings', 'zzz']) {
    assert.deepEqual(batched.search(q, 20).map((h) => h.paper.key), bulk.search(q, 20).map((h) => h.paper.key), q);
  }
  const gone = papers.slice(0, 3);
  batched.patchFile(file, gone.map((p) => p.entry), []);
  assert.equal(batched.size, papers.length - 3);
  for (const p of gone) assert.equal(batched.get(p.key), undefined);
  assert.ok(batched.get(papers[3].key));
});
