/** The library webview's host-side logic: queries, disjunctive facets, pages, author and topic pages, derived topics, citation insertion. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Paper } from '../../src/core/model';
import { parseBibtex } from '../../src/core/bibtex';
import { toPaper } from '../../src/core/paper';
import { personKey, parseName } from '../../src/core/names';
import { PaperIndex } from '../../src/core/search';
import { LibraryPages, linkOf } from '../../src/core/libraryPages';
import { DerivedTopics, needsDerivedTopics } from '../../src/core/topics';
import { citationInsertion } from '../../src/core/citationInsert';
import type { LibraryQuery } from '../../src/core/libraryProtocol';

function papersOf(bib: string, file = 'lib.bib'): Paper[] {
  return parseBibtex(bib, file).entries.map((e) => toPaper(e));
}

const BIB = String.raw`
@inproceedings{balint2024disentanglement,
  author = {Mucs{\'a}nyi, B{\'a}lint and Kirchhof, Michael and Oh, Seong Joon},
  title = {Benchmarking Uncertainty Disentanglement},
  booktitle = {NeurIPS},
  year = {2024},
  keywords = {Uncertainty, Evaluation},
  doi = {10.1000/xyz},
}
@misc{kirchhof2024pretrained,
  author = {Kirchhof, Michael and Oh, Seong Joon and Bálint Mucsányi},
  title = {Pretrained Visual Uncertainties},
  year = {2024},
  keywords = {uncertainty, Large-Scale ML},
  primaryclass = {cs.LG},
  url = {javascript:alert(1)},
}
@article{oh2018hedged,
  author = {Oh, Seong Joon},
  title = {Modeling Uncertainty with Hedged Instance Embedding},
  journal = {ICLR},
  year = {2018},
  keywords = {Uncertainty},
  url = {https://example.org/hedged},
}
@article{smith2020things,
  author = {Smith, John},
  title = {Something Else Entirely},
  journal = {Journal of Things},
  year = {2020},
  url = {command:workbench.action.terminal.new},
}
`;

const TRANSLATION = String.raw`
@inproceedings{a1, author = {Koehn, Philipp}, title = {Statistical Machine Translation for Low-Resource Languages}, year = {2010}}
@inproceedings{a2, author = {Koehn, Philipp and Way, Andy}, title = {Neural Machine Translation with Attention}, year = {2016}}
@inproceedings{a3, author = {Way, Andy}, title = {Evaluating Machine Translation Output}, year = {2017}}
@inproceedings{a4, author = {Ney, Hermann}, title = {Speech Recognition with Hidden Markov Models}, year = {2005}}
@inproceedings{a5, author = {Ney, Hermann}, title = {Speech Recognition for Broadcast News}, year = {2006}}
@inproceedings{a6, author = {Doe, Jane}, title = {The Proposed Approach: A Novel Method Using Results}, year = {2019}}
@inproceedings{a7, author = {Doe, Jane}, title = {Dependency Parsing of Tweets}, year = {2019}, abstract = {We study dependency parsing of noisy text.}}
`;

function pagesFor(papers: Paper[]): { pages: LibraryPages; index: PaperIndex } {
  const index = new PaperIndex();
  index.addPapers(papers);
  const pages = new LibraryPages({
    papers: () => index.papers(),
    search: (text, limit) => index.search(text, limit).map((h) => h.paper),
    fileLabel: (f) => 'rel/' + f,
  });
  return { pages, index };
}

const all = (over: Partial<LibraryQuery> = {}): LibraryQuery => ({ text: '', selection: {}, view: { kind: 'results' }, ...over });
const oh = personKey(parseName('Oh, Seong Joon'));
const kirchhof = personKey(parseName('Kirchhof, Michael'));
const mucsanyi = personKey(parseName('Mucsányi, Bálint'));

test('no query lists every paper, newest first, with facets', () => {
  const { pages } = pagesFor(papersOf(BIB));
  const r = pages.run(all());
  assert.equal(r.total, 4);
  assert.deepEqual(r.papers.map((p) => p.year), ['2024', '2024', '2020', '2018']);
  assert.equal(r.facets.authors.values[0].id, oh);
  assert.equal(r.facets.authors.values[0].count, 3);
  // One author however the name is written.
  assert.equal(r.facets.authors.values.find((v) => v.id === mucsanyi)?.count, 2);
  assert.deepEqual(r.facets.years.values.map((v) => v.id), ['2024', '2020', '2018']);
  assert.equal(r.facets.files.values[0].label, 'rel/lib.bib');
  assert.ok(r.facets.topics.values.some((t) => t.id === 'arxiv:cs.LG'));
});

test('the search text goes through the index', () => {
  const { pages } = pagesFor(papersOf(BIB));
  const r = pages.run(all({ text: 'hedged' }));
  assert.deepEqual(r.papers.map((p) => p.key), ['oh2018hedged']);
  assert.equal(r.capped, false);
});

test('facets combine: OR within a kind, AND across kinds; counts are disjunctive', () => {
  const { pages } = pagesFor(papersOf(BIB));
  const r = pages.run(all({ selection: { years: ['2024'] } }));
  assert.equal(r.total, 2);
  // The year facet still counts the other years (what selecting them would add).
  assert.equal(r.facets.years.values.find((v) => v.id === '2018')?.count, 1);
  // Other kinds count only the papers matching.
  assert.equal(r.facets.authors.values.find((v) => v.id === oh)?.count, 2);
  const or = pages.run(all({ selection: { years: ['2024', '2018'] } }));
  assert.equal(or.total, 3);
  const and = pages.run(all({ selection: { years: ['2024', '2018'], venues: ['iclr'] } }));
  assert.deepEqual(and.papers.map((p) => p.key), ['oh2018hedged']);
  // A selected value with no papers left still shows (so it can be cleared).
  const none = pages.run(all({ text: 'something', selection: { authors: [kirchhof] } }));
  assert.equal(none.total, 0);
  assert.equal(none.facets.authors.values.find((v) => v.id === kirchhof)?.count, 0);
});

test('an author page: papers, co-authors with shared papers, years active', () => {
  const { pages } = pagesFor(papersOf(BIB));
  const r = pages.run(all({ view: { kind: 'author', id: oh } }));
  assert.equal(r.total, 3);
  assert.ok(r.page && r.page.kind === 'author');
  if (r.page?.kind !== 'author') return;
  assert.equal(r.page.name, 'Seong Joon Oh');
  assert.equal(r.page.firstYear, '2018');
  assert.equal(r.page.lastYear, '2024');
  assert.deepEqual(r.page.coauthors.map((c) => [c.id, c.count]).sort(), [[kirchhof, 2], [mucsanyi, 2]].sort());
  assert.ok(!r.page.coauthors.some((c) => c.id === oh), 'the author is not their own co-author');
});

test('a topic page: papers and most frequent authors; keywords merge across case', () => {
  const { pages } = pagesFor(papersOf(BIB));
  const r = pages.run(all({ view: { kind: 'topic', id: 'topic:uncertainty' } }));
  assert.equal(r.total, 3);
  assert.ok(r.page?.kind === 'topic');
  if (r.page?.kind !== 'topic') return;
  assert.equal(r.page.derived, false);
  assert.equal(r.page.authors[0].id, oh);
  assert.equal(r.page.authors[0].count, 3);
});

test('pages of cards: slices of the result, text fields capped, links only http(s)', () => {
  const long = 'x'.repeat(100_000);
  const papers = papersOf(BIB + `@misc{long, title = {${long}}, author = {<img src=x onerror=alert(1)>}, year = {2021}}`);
  const { pages } = pagesFor(papers);
  const r = pages.run(all());
  const cards = pages.cards(r.papers.slice(1, 3));
  assert.equal(cards.length, 2);
  assert.equal(cards[0].key, r.papers[1].key);
  const longCard = pages.cards(r.papers.filter((p) => p.key === 'long'))[0];
  assert.ok(longCard.title.length < 3000, 'a 100,000-character title is cut');
  assert.equal(longCard.authors[0].label, '<img src=x onerror=alert(1)>');
  const byKey = new Map(papers.map((p) => [p.key, p]));
  assert.equal(linkOf(byKey.get('balint2024disentanglement')!), 'https://doi.org/10.1000/xyz');
  assert.equal(linkOf(byKey.get('kirchhof2024pretrained')!), undefined, 'javascript: is no link');
  assert.equal(linkOf(byKey.get('smith2020things')!), undefined, 'command: is no link');
  assert.equal(linkOf(byKey.get('oh2018hedged')!), 'https://example.org/hedged');
  assert.equal(pages.cards([byKey.get('kirchhof2024pretrained')!])[0].hasLink, false);
});

test('facetValues filters a kind by label, accent- and case-insensitively', () => {
  const { pages } = pagesFor(papersOf(BIB));
  const list = pages.facetValues(all(), 'authors', 'mucsa');
  assert.deepEqual(list.values.map((v) => v.id), [mucsanyi]);
});

test('derived topics: significant phrases from titles, boilerplate and stop words removed', () => {
  const papers = papersOf(TRANSLATION);
  assert.ok(papers.every(needsDerivedTopics));
  const topics = new DerivedTopics();
  topics.update([['lib.bib', papers]]);
  const of = (key: string) => topics.topicsOf(papers.find((p) => p.key === key)!).map((t) => t.label);
  assert.ok(of('a1').includes('machine translation'), of('a1').join('|'));
  assert.ok(of('a4').includes('speech recognition'), of('a4').join('|'));
  // A phrase hides its words: not both `machine translation` and `translation`.
  assert.ok(!of('a1').includes('translation'));
  // Boilerplate never becomes a topic.
  for (const p of papers) for (const t of topics.topicsOf(p)) assert.doesNotMatch(t.label, /\b(proposed|approach|novel|method|using|results|the)\b/);
  // Shared by a single paper: not a browsable topic.
  assert.ok(!of('a7').some((t) => t.includes('tweet')));
});

test('derived topics appear as a topic facet, marked derived, with a topic page', () => {
  const { pages } = pagesFor(papersOf(TRANSLATION));
  const r = pages.run(all());
  const mt = r.facets.topics.values.find((v) => v.label === 'machine translation');
  assert.ok(mt, r.facets.topics.values.map((v) => v.label).join(', '));
  assert.equal(mt.count, 3);
  assert.equal(mt.derived, true);
  const page = pages.run(all({ view: { kind: 'topic', id: mt.id } }));
  assert.equal(page.total, 3);
  assert.ok(page.page?.kind === 'topic' && page.page.derived);
  if (page.page?.kind === 'topic') assert.deepEqual(page.page.authors.slice(0, 2).map((a) => a.label).sort(), ['Andy Way', 'Philipp Koehn']);
});

test('papers with keywords get no derived topics', () => {
  const papers = papersOf(BIB);
  const { pages } = pagesFor(papers);
  pages.run(all());
  for (const p of papers) assert.ok(pages.facetsOf(p).topics.every((t) => !t.derived), p.key);
});

test('derived topics: an unchanged file is not re-read; a changed one is', () => {
  const papers = papersOf(TRANSLATION);
  const topics = new DerivedTopics();
  topics.update([['a.bib', papers]]);
  let reads = 0;
  const spy = papers.map((p) => new Proxy(p, { get: (t, k) => (k === 'title' && reads++, Reflect.get(t, k)) }));
  topics.update([['a.bib', papers]]);
  assert.equal(reads, 0);
  topics.update([['a.bib', spy]]);
  assert.ok(reads > 0);
});

test('prepare() in slices gives the same result as a direct query', async () => {
  const { pages } = pagesFor(papersOf(TRANSLATION));
  await pages.prepare(1);
  const sliced = pages.run(all());
  const { pages: direct } = pagesFor(papersOf(TRANSLATION));
  assert.deepEqual(sliced.facets, direct.run(all()).facets);
});

test('results change after invalidate() when the source changes', () => {
  const list = papersOf(BIB);
  const pages = new LibraryPages({ papers: () => list, search: () => [], fileLabel: (f) => f });
  assert.equal(pages.run(all()).total, 4);
  list.pop();
  assert.equal(pages.run(all()).total, 4, 'cached until invalidated');
  pages.invalidate();
  assert.equal(pages.run(all()).total, 3);
});

// ---------------------------------------------------------------------------------------
// Citation insertion

function insert(marked: string, syntax: 'latex' | 'markdown', keys: string[]): string {
  const cursor = marked.indexOf('|');
  const text = marked.slice(0, cursor) + marked.slice(cursor + 1);
  const ins = citationInsertion(text, cursor, syntax, keys);
  if (!ins) return text;
  return text.slice(0, ins.offset) + ins.text + text.slice(ins.offset);
}

test('LaTeX: a new \\cite{…} at the cursor, several keys at once', () => {
  assert.equal(insert('See |.', 'latex', ['a']), 'See \\cite{a}.');
  assert.equal(insert('See |.', 'latex', ['a', 'b']), 'See \\cite{a, b}.');
});

test('LaTeX: inside an existing key list, `, key` after the current key', () => {
  assert.equal(insert('\\cite{x|}', 'latex', ['a']), '\\cite{x, a}');
  assert.equal(insert('\\cite{x|y}', 'latex', ['a']), '\\cite{xy, a}');
  assert.equal(insert('\\citep[p.~3]{x, y|}', 'latex', ['a', 'b']), '\\citep[p.~3]{x, y, a, b}');
  assert.equal(insert('\\cite{|}', 'latex', ['a']), '\\cite{a}');
  assert.equal(insert('\\cite{x,|}', 'latex', ['a']), '\\cite{x,a}');
  assert.equal(insert('\\cite{|x}', 'latex', ['a']), '\\cite{x, a}');
  // Already cited there: nothing to insert.
  assert.equal(citationInsertion('\\cite{x}', 7, 'latex', ['x']), undefined);
  // After the closing brace: a new citation.
  assert.equal(insert('\\cite{x}|', 'latex', ['a']), '\\cite{x}\\cite{a}');
});

test('Markdown: a new [@key] at the cursor; `; @key` inside an existing bracket', () => {
  assert.equal(insert('See |.', 'markdown', ['a']), 'See [@a].');
  assert.equal(insert('See |.', 'markdown', ['a', 'b']), 'See [@a; @b].');
  assert.equal(insert('See [@x|].', 'markdown', ['a']), 'See [@x; @a].');
  assert.equal(insert('See [@x|y, p. 3].', 'markdown', ['a']), 'See [@xy, p. 3; @a].');
  assert.equal(insert('See [see @x, p. 3|].', 'markdown', ['a', 'b']), 'See [see @x, p. 3; @a; @b].');
  assert.equal(citationInsertion('[@x]', 3, 'markdown', ['x']), undefined);
  // A link or a bracket without a citation: a new citation.
  assert.equal(insert('[a link|](http://x)', 'markdown', ['a']), '[a link[@a]](http://x)');
});

test('derived topics: no everyday single word ("age", "hand"); single words only from the title; phrases preferred', () => {
  const papers = papersOf(String.raw`
@misc{h1, title = {Hand pose estimation from a single image}, abstract = {We study the age of hands and faces.}}
@misc{h2, title = {Robust hand pose estimation in the wild}, abstract = {Age and hand matter for people.}}
@misc{h3, title = {Age estimation with hand crafted features}, abstract = {The age of a person.}}
@misc{h4, title = {Age estimation under occlusion}, abstract = {Hand and age.}}
@misc{h5, title = {Occlusion reasoning for hand pose}, abstract = {Occlusion again and hand and age.}}
@misc{h6, title = {Occlusion in crowds}, abstract = {Occlusion, age.}}
@misc{h7, title = {Something else entirely}, abstract = {Nothing shared here at all.}}
`);
  const topics = new DerivedTopics();
  topics.update([['lib.bib', papers]]);
  const all = papers.flatMap((p) => topics.topicsOf(p).map((t) => t.label));
  assert.ok(!all.includes('age') && !all.includes('hand'), all.join('|'));
  assert.ok(all.includes('hand pose') && all.includes('age estimation'), all.join('|'));
  // `occlusion` is specific and in titles: a single word may still be a topic.
  assert.ok(all.includes('occlusion'), all.join('|'));
});
