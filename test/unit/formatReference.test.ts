/**
 * Formatted references through citeproc-js with the bundled CSL styles (media/csl/): the
 * entry → CSL-JSON mapping and each style's output, checked by hand against the style guides
 * (book, article, chapter in a book via crossref, thesis, web page, no author, no year,
 * non-ASCII names), in-text citations, the document's style choice, and hostile text.
 */
import { before, test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBibtex } from '../../src/core/bibtex';
import { Library } from '../../src/core/library';
import { CitationStyle, formattingItem, loadCitationStyle, plainText, referenceText, styleInfo } from '../../src/core/formatReference';
import { BUNDLED_LOCALES, BUNDLED_STYLES, bundledStyleId, documentStyleRequest, independentParent } from '../../src/core/citationStyles';
import { visibleMarks } from '../../src/core/inertText';

const cslDir = join(__dirname, '..', '..', 'media', 'csl');
const locales = (lang: string) => (BUNDLED_LOCALES.includes(lang) ? readFileSync(join(cslDir, `locales-${lang}.xml`), 'utf8') : undefined);
const styleCache = new Map<string, CitationStyle>();
function style(id: string): CitationStyle {
  const s = styleCache.get(id);
  assert.ok(s, `style ${id} not loaded`);
  return s;
}
before(async () => {
  for (const { id } of BUNDLED_STYLES) styleCache.set(id, await loadCitationStyle(readFileSync(join(cslDir, `${id}.csl`), 'utf8'), locales));
});

const lib = new Library();
lib.setFile(parseBibtex(readFileSync(join(__dirname, '..', 'fixtures', 'bibtex', 'formatting.bib'), 'utf8'), 'formatting.bib'));
const paper = (key: string) => {
  const p = lib.paper(key);
  assert.ok(p, `no paper ${key}`);
  return p;
};

/** Hand-checked reference-list entries per bundled style (label included for numeric styles). */
const EXPECTED: Record<string, Record<string, string>> = {
  'apa': {
    knuth1984: "Knuth, D. E. (1984). The TeXbook. Addison-Wesley.",
    smith2020: "Smith, J., Doe, J., & Müller, J. (2020). Learning things from data. Journal of Things, 12(3), 1–10. https://doi.org/10.1000/xyz123",
    chap: "Green, B. (2019). A chapter on methods. In A. Brown (Ed.), Handbook of Methods (pp. 20–35). Springer.",
    thesis: "Øster, Å. (2021). Neural networks for NLP [PhD thesis]. Uppsala University.",
    web: "World Health Organization. (2023). Fact sheet on things. https://www.who.int/facts",
    noauthor: "Anonymous report on stuff. (2018). Nature, 5, 100–101.",
    noyear: "Zhang, W. (n.d.). Undated work. Some Journal.",
  },
  'chicago-author-date': {
    knuth1984: "Knuth, Donald E. 1984. The TeXbook. Reading, MA: Addison-Wesley.",
    smith2020: "Smith, John, Jane Doe, and Jürgen Müller. 2020. “Learning Things from Data.” Journal of Things 12 (3): 1–10. https://doi.org/10.1000/xyz123.",
    chap: "Green, Bob. 2019. “A Chapter on Methods.” In Handbook of Methods, edited by Alice Brown, 20–35. Berlin: Springer.",
    thesis: "Øster, Åsa. 2021. “Neural Networks for NLP.” PhD thesis, Uppsala University.",
    web: "World Health Organization. 2023. “Fact Sheet on Things.” 2023. https://www.who.int/facts.",
    noauthor: "“Anonymous Report on Stuff.” 2018. Nature 5: 100–101.",
    noyear: "Zhang, Wei. n.d. “Undated Work.” Some Journal.",
  },
  'ieee': {
    knuth1984: "[1] D. E. Knuth, The TeXbook. Reading, MA: Addison-Wesley, 1984.",
    smith2020: "[1] J. Smith, J. Doe, and J. Müller, “Learning things from data,” Journal of Things, vol. 12, no. 3, pp. 1–10, 2020, doi: 10.1000/xyz123.",
    chap: "[1] B. Green, “A chapter on methods,” in Handbook of Methods, A. Brown, Ed. Berlin: Springer, 2019, pp. 20–35.",
    thesis: "[1] Å. Øster, “Neural networks for NLP,” PhD thesis, Uppsala University, 2021.",
    web: "[1] World Health Organization, “Fact sheet on things,” 2023. https://www.who.int/facts (accessed Mar. 05, 2024).",
    noauthor: "[1] “Anonymous report on stuff,” Nature, vol. 5, pp. 100–101, 2018.",
    noyear: "[1] W. Zhang, “Undated work,” Some Journal.",
  },
  'nature': {
    knuth1984: "1. Knuth, D. E. The TeXbook. (Addison-Wesley, 1984).",
    smith2020: "1. Smith, J., Doe, J. & Müller, J. Learning things from data. Journal of Things 12, 1–10 (2020).",
    chap: "1. Green, B. A chapter on methods. in Handbook of Methods (ed. Brown, A.) 20–35 (Springer, 2019).",
    thesis: "1. Øster, Å. Neural networks for NLP. (Uppsala University, 2021).",
    web: "1. World Health Organization. Fact sheet on things. https://www.who.int/facts (2023).",
    noauthor: "1. Anonymous report on stuff. Nature 5, 100–101 (2018).",
    noyear: "1. Zhang, W. Undated work. Some Journal.",
  },
  'vancouver': {
    knuth1984: "1. Knuth DE. The TeXbook. Reading, MA: Addison-Wesley; 1984.",
    smith2020: "1. Smith J, Doe J, Müller J. Learning things from data. Journal of Things. 2020;12(3):1–10.",
    chap: "1. Green B. A chapter on methods. In: Brown A, editor. Handbook of Methods. Berlin: Springer; 2019. p. 20–35.",
    thesis: "1. Øster Å. Neural networks for NLP [PhD thesis]. Uppsala University; 2021.",
    web: "1. World Health Organization. Fact sheet on things [Internet]. 2023 [cited 2024 Mar 5]. Available from: https://www.who.int/facts",
    noauthor: "1. Anonymous report on stuff. Nature. 2018;5:100–1.",
    noyear: "1. Zhang W. Undated work. Some Journal.",
  },
  'harvard-cite-them-right': {
    knuth1984: "Knuth, D.E. (1984) The TeXbook. Reading, MA: Addison-Wesley.",
    smith2020: "Smith, J., Doe, J. and Müller, J. (2020) ‘Learning things from data’, Journal of Things, 12(3), pp. 1–10. Available at: https://doi.org/10.1000/xyz123.",
    chap: "Green, B. (2019) ‘A chapter on methods’, in A. Brown (ed.) Handbook of Methods. Berlin: Springer, pp. 20–35.",
    thesis: "Øster, Å. (2021) Neural networks for NLP. PhD thesis. Uppsala University.",
    web: "World Health Organization (2023) Fact sheet on things. Available at: https://www.who.int/facts (Accessed: 5 March 2024).",
    noauthor: "‘Anonymous report on stuff’ (2018) Nature, 5, pp. 100–101.",
    noyear: "Zhang, W. (no date) ‘Undated work’, Some Journal [Preprint].",
  },
  'association-for-computational-linguistics': {
    knuth1984: "Donald E. Knuth. 1984. The TeXbook. Addison-Wesley, Reading, MA.",
    smith2020: "John Smith, Jane Doe, and Jürgen Müller. 2020. Learning things from data. Journal of Things, 12(3):1–10.",
    chap: "Bob Green. 2019. A chapter on methods. In Alice Brown, editor, Handbook of Methods, pages 20–35. Springer, Berlin.",
    thesis: "Åsa Øster. 2021. Neural networks for NLP. PhD thesis, Uppsala University.",
    web: "World Health Organization. 2023. Fact sheet on things.",
    noauthor: "2018. Anonymous report on stuff. Nature, 5:100–101.",
    noyear: "Wei Zhang. Undated work. Some Journal.",
  },
};

describe('formatted references (citeproc-js, bundled CSL styles)', () => {
  test('every bundled style is shipped, licensed CC BY-SA, and named', () => {
    assert.deepEqual(Object.keys(EXPECTED).sort(), BUNDLED_STYLES.map((s) => s.id).sort());
    for (const { id } of BUNDLED_STYLES) {
      const xml = readFileSync(join(cslDir, `${id}.csl`), 'utf8');
      assert.match(xml, /creativecommons\.org\/licenses\/by-sa\/3\.0/, `${id}: licence notice kept`);
      assert.ok(styleInfo(xml).title, `${id}: title`);
    }
  });

  for (const [id, expected] of Object.entries(EXPECTED)) {
    test(`${id}: book, article, chapter via crossref, thesis, web page, no author, no year`, () => {
      for (const [key, text] of Object.entries(expected)) {
        assert.equal(referenceText(style(id).reference(paper(key)), true), text, `${id} ${key}`);
      }
    });
  }

  test('italics come as styled spans, not markup (APA: journal and volume)', () => {
    const ref = style('apa').reference(paper('smith2020'));
    assert.deepEqual(ref.text.filter((s) => s.italic).map((s) => s.text), ['Journal of Things', '12']);
    assert.ok(!ref.text.some((s) => /[<>]/.test(s.text)), 'no HTML in the output');
  });

  test('numeric styles give the label apart from the text', () => {
    const ref = style('ieee').reference(paper('smith2020'));
    assert.equal(ref.label, '[1]');
    assert.ok(plainText(ref.text).startsWith('J. Smith, J. Doe, and J. Müller,'));
  });

  test('in-text citations: author-date and numeric', () => {
    const items = [paper('smith2020'), paper('knuth1984')].map(formattingItem);
    assert.equal(plainText(style('apa').citation(items)), '(Knuth, 1984; Smith et al., 2020)');
    assert.equal(plainText(style('chicago-author-date').citation([formattingItem(paper('chap'))])), '(Green 2019)');
    assert.equal(plainText(style('ieee').citation(items)), '[1], [2]');
  });

  test('several papers make a reference list, numbered by the style', () => {
    const refs = style('vancouver').bibliography([paper('smith2020'), paper('knuth1984')].map(formattingItem));
    assert.deepEqual(refs.map((r) => r.label), ['1.', '2.']);
    assert.match(plainText(refs[1].text), /^Knuth DE\. The TeXbook/);
  });

  test('hostile text stays text: HTML, link syntax, theme-icon syntax and our private marks', () => {
    const ref = style('apa').reference(paper('hostile'));
    const text = plainText(ref.text);
    assert.ok(text.includes('<script>alert(1)</script>'), text);
    assert.ok(text.includes('[a](command:x)'), text);
    // The data's private-use marks (our italic/label delimiters) are dropped, not obeyed.
    assert.ok(text.includes('xyz'), text);
    assert.equal(ref.label, undefined);
    assert.ok(!/[\uE000-\uE00F]/.test(text));
    // CSL rich text (<i>, <b>) becomes a styled span holding text, never markup.
    assert.deepEqual(ref.text.filter((s) => s.italic).map((s) => s.text)[0], 'real italic');
    assert.ok(ref.text.every((s) => typeof s.text === 'string'));
  });

  test('a broken style gives a clear error, not a crash', async () => {
    await assert.rejects(loadCitationStyle('not xml at all', locales), /not a CSL style/);
    await assert.rejects(loadCitationStyle('<style><info></style', locales), /CSL style could not be read|not a CSL style/);
  });

  test('huge fields are bounded before formatting', () => {
    const big = new Library();
    big.setFile(parseBibtex(`@article{big, title = {${'T'.repeat(100_000)}}, author = {${'A, B and '.repeat(500)}Z, Y}, year = {2020}}`, 'big.bib'));
    const item = formattingItem(big.paper('big')!);
    assert.ok(String(item.title).length <= 2001);
    assert.ok((item.author as unknown[]).length <= 60);
    assert.ok(plainText(style('apa').reference(big.paper('big')!).text).length < 10_000);
  });
});

describe('the document\'s citation style', () => {
  test('LaTeX \\bibliographystyle and biblatex style= map to the nearest bundled style', () => {
    assert.deepEqual(documentStyleRequest('\\bibliographystyle{IEEEtran}', 'latex'), { kind: 'bundled', id: 'ieee', from: '\\bibliographystyle{IEEEtran}' });
    assert.equal((documentStyleRequest('\\bibliographystyle{acl_natbib}', 'latex') as { id: string }).id, 'association-for-computational-linguistics');
    assert.equal((documentStyleRequest('\\bibliographystyle{plainnat}', 'latex') as { id: string }).id, 'chicago-author-date');
    assert.equal((documentStyleRequest('\\usepackage[backend=biber, style=apa]{biblatex}', 'latex') as { id: string }).id, 'apa');
    assert.equal((documentStyleRequest('\\usepackage[style=authoryear-comp]{biblatex}', 'latex') as { id: string }).id, 'chicago-author-date');
    assert.equal(documentStyleRequest('% \\bibliographystyle{ieeetr}\nText', 'latex'), undefined, 'commented out');
    assert.equal(documentStyleRequest('\\bibliographystyle{mystyle}', 'latex'), undefined, 'unknown style: the setting decides');
  });

  test('Markdown front matter csl: (quoted, commented), not outside the front matter', () => {
    assert.deepEqual(documentStyleRequest('---\ntitle: x\ncsl: "styles/my ieee.csl" # ours\n---\nText', 'markdown'), { kind: 'file', path: 'styles/my ieee.csl', from: 'csl: styles/my ieee.csl' });
    assert.equal(documentStyleRequest('Text\n\ncsl: ieee.csl\n', 'markdown'), undefined);
  });

  test('a dependent style names its parent; an independent one none', () => {
    const dependent = '<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" default-locale="en-GB"><info><title>Nature Communications</title><link href="http://www.zotero.org/styles/nature-communications" rel="self"/><link href="http://www.zotero.org/styles/nature" rel="independent-parent"/></info></style>';
    assert.equal(independentParent(dependent), 'nature');
    assert.equal(independentParent(readFileSync(join(cslDir, 'apa.csl'), 'utf8')), undefined);
  });

  test('a CSL file name we ship means the bundled style', () => {
    assert.equal(bundledStyleId('ieee.csl'), 'ieee');
    assert.equal(bundledStyleId('styles/Nature.csl'), 'nature');
    assert.equal(bundledStyleId('apa-6th-edition.csl'), 'apa');
    assert.equal(bundledStyleId('my-lab.csl'), undefined);
  });
});

describe('invisible characters become visible marks', () => {
  test('bidi overrides, zero-width and control characters', () => {
    assert.equal(visibleMarks('a\u202Eb\u200Bc\u0007d\uFEFFe'), 'a⟨U+202E⟩b⟨U+200B⟩c⟨U+0007⟩d⟨U+FEFF⟩e');
    assert.equal(visibleMarks('tab\tand\nnewline stay'), 'tab\tand\nnewline stay');
    assert.equal(visibleMarks('tag \u{E0041}'), 'tag ⟨U+E0041⟩');
  });
});
