import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeFacets, filterPapers, venueId } from '../../src/core/facets';
import type { Entry, Paper } from '../../src/core/model';
import { parseBibtex } from '../../src/core/bibtex';
import { toPaper } from '../../src/core/paper';
import { personKey } from '../../src/core/names';

function papersOf(bib: string, file = 'lib.bib'): Paper[] {
  return parseBibtex(bib, file).entries.map((e) => toPaper(e));
}

const BIB = String.raw`
@inproceedings{balint2024disentanglement,
  author = {Mucs{\'a}nyi, B{\'a}lint and Kirchhof, Michael and Oh, Seong Joon},
  title = {Benchmarking Uncertainty Disentanglement},
  booktitle = {Advances in Neural Information Processing Systems},
  year = {2024},
  keywords = {Uncertainty, Evaluation},
}
@misc{kirchhof2024pretrained,
  author = {Kirchhof, Michael and Oh, Seong Joon and Bálint Mucsányi},
  title = {Pretrained Visual Uncertainties},
  year = {2024},
  keywords = {uncertainty, Large-Scale ML},
  primaryclass = {cs.LG},
}
@article{oh2018hedged,
  author = {Oh, Seong Joon},
  title = {Modeling Uncertainty with Hedged Instance Embedding},
  journal = {  advances in neural   information processing systems },
  year = {2018},
  keywords = {UNCERTAINTY},
  primaryclass = {cs.LG},
}
@article{other2018,
  author = {Smith, John and Smith, John},
  title = {Something Else},
  journal = {Journal of Things},
  year = {2018},
}
`;

function fixture(): Paper[] {
  return [...papersOf(BIB), ...papersOf('@misc{x, author = {Oh, Seong Joon}, title = {X}, year = {2020}}', 'other.bib')];
}

function paper(key: string, file: string): Paper {
  return {
    key, type: 'misc', file, entry: { key, file } as unknown as Entry, authors: [], editors: [], etAl: false,
    title: '', year: '', venue: '', abstract: '', keywords: [], doi: '', url: '', arxivClass: '', aliases: [],
  };
}

test('an author written in LaTeX or Unicode, either order, is one facet value', () => {
  const f = computeFacets(fixture());
  const mucsanyi = f.authors.filter((a) => a.label.includes('Mucs'));
  assert.equal(mucsanyi.length, 1, JSON.stringify(mucsanyi));
  assert.equal(mucsanyi[0].count, 2);
  assert.equal(mucsanyi[0].label, 'Bálint Mucsányi');
  assert.equal(mucsanyi[0].id, personKey({ given: 'Bálint', von: '', family: 'Mucsányi', suffix: '' }));
});

test('facet counts are sorted by count, then label', () => {
  const f = computeFacets(fixture());
  assert.deepEqual(
    f.authors.map((a) => [a.label, a.count]),
    [['Seong Joon Oh', 4], ['Bálint Mucsányi', 2], ['Michael Kirchhof', 2], ['John Smith', 1]],
  );
  // Years: newest first among equal counts.
  assert.deepEqual(f.years.map((y) => [y.id, y.count]), [['2024', 2], ['2018', 2], ['2020', 1]]);
  assert.deepEqual(f.files.map((x) => [x.id, x.count]), [['lib.bib', 4], ['other.bib', 1]]);
});

test('a paper counts once per value (duplicate author in one entry)', () => {
  const f = computeFacets(fixture());
  assert.equal(f.authors.find((a) => a.label === 'John Smith')?.count, 1);
});

test('topics: keywords case-folded with the most frequent spelling, plus arXiv classes', () => {
  const f = computeFacets(fixture());
  const unc = f.topics.find((t) => t.id === 'topic:uncertainty');
  assert.deepEqual(unc, { id: 'topic:uncertainty', label: 'Uncertainty', count: 3 });
  assert.deepEqual(f.topics.find((t) => t.id === 'arxiv:cs.LG'), { id: 'arxiv:cs.LG', label: 'Machine Learning (cs.LG)', count: 2 });
  assert.equal(f.topics[0].id, 'topic:uncertainty');
});

test('venues are normalised lightly: trim, collapse whitespace, fold case', () => {
  const f = computeFacets(fixture());
  const neurips = f.venues.filter((v) => v.id === venueId('Advances in Neural Information Processing Systems'));
  assert.equal(neurips.length, 1);
  assert.equal(neurips[0].count, 2);
  assert.equal(neurips[0].id, 'advances in neural information processing systems');
  assert.ok(f.venues.some((v) => v.label === 'Journal of Things' && v.count === 1));
  assert.ok(!f.venues.some((v) => v.id === ''));
});

test('limit keeps the top values of each facet', () => {
  const f = computeFacets(fixture(), { limit: 1 });
  assert.equal(f.authors.length, 1);
  assert.equal(f.authors[0].label, 'Seong Joon Oh');
  assert.equal(f.years.length, 1);
});

test('an empty set has empty facets', () => {
  assert.deepEqual(computeFacets([]), { authors: [], topics: [], venues: [], years: [], files: [] });
});

test('filterPapers: OR within a facet kind, AND across kinds', () => {
  const ps = fixture();
  const f = computeFacets(ps);
  const oh = f.authors.find((a) => a.label === 'Seong Joon Oh')!.id;
  const mucsanyi = f.authors.find((a) => a.label === 'Bálint Mucsányi')!.id;
  const smith = f.authors.find((a) => a.label === 'John Smith')!.id;
  const keys = (sel: Parameters<typeof filterPapers>[1]) => filterPapers(ps, sel).map((p) => p.key);

  assert.deepEqual(keys({}), ps.map((p) => p.key));
  assert.deepEqual(keys({ authors: [] }), ps.map((p) => p.key));
  assert.deepEqual(keys({ authors: [mucsanyi] }), ['balint2024disentanglement', 'kirchhof2024pretrained']);
  assert.deepEqual(keys({ authors: [mucsanyi, smith] }), ['balint2024disentanglement', 'kirchhof2024pretrained', 'other2018']);
  assert.deepEqual(keys({ authors: [oh], years: ['2018'] }), ['oh2018hedged']);
  assert.deepEqual(keys({ authors: [oh], years: ['2018', '2020'] }), ['oh2018hedged', 'x']);
  assert.deepEqual(keys({ topics: ['arxiv:cs.LG'], years: ['2024'] }), ['kirchhof2024pretrained']);
  assert.deepEqual(keys({ venues: ['advances in neural information processing systems'] }), ['balint2024disentanglement', 'oh2018hedged']);
  assert.deepEqual(keys({ files: ['other.bib'] }), ['x']);
  assert.deepEqual(keys({ authors: [smith], files: ['other.bib'] }), []);
});

test('filterPapers keeps the input order and works on any iterable', () => {
  const ps = [paper('b', 'f1'), paper('a', 'f2'), paper('c', 'f1')];
  function* gen() {
    yield* ps;
  }
  assert.deepEqual(filterPapers(gen(), { files: ['f1'] }).map((p) => p.key), ['b', 'c']);
});

test('topics: an arXiv category and its labelled keyword are one topic; case, accents and hyphens merge', () => {
  const ps = papersOf(String.raw`
@misc{a, title = {A}, keywords = {Computer Vision (cs.CV)}, primaryclass = {cs.CV}}
@misc{b, title = {B}, keywords = {cs.CV, Représentation Learning}}
@misc{c, title = {C}, primaryclass = {cs.CV}, keywords = {representation-learning}}
@misc{d, title = {D}, keywords = {Computer Vision (cs.cv), Large-Scale ML}}
@misc{e, title = {E}, keywords = {large scale ml, Statistics - Machine Learning}}
`);
  const f = computeFacets(ps);
  const cv = f.topics.filter((t) => /cs\.cv/i.test(t.id + t.label));
  assert.deepEqual(cv, [{ id: 'arxiv:cs.CV', label: 'Computer Vision (cs.CV)', count: 4 }]);
  assert.deepEqual(f.topics.find((t) => t.id === 'topic:representation learning'), { id: 'topic:representation learning', label: 'Représentation Learning', count: 2 });
  assert.equal(f.topics.find((t) => t.id === 'topic:large scale ml')?.count, 2);
  // Each paper lists the category once.
  assert.deepEqual(filterPapers(ps, { topics: ['arxiv:cs.CV'] }).map((p) => p.key), ['a', 'b', 'c', 'd']);
});
