/**
 * Citation completion through `vscode.executeCompletionItemProvider`, in LaTeX and Markdown,
 * on the test workspace (oh-group.bib and refs/vision.bib). Runs in both extension hosts.
 */
import { hasKey, paperOf } from '../catalog';
import * as vscode from 'vscode';
import { deepEqual, equal, eventually, includes, ok } from '../assert';
import { before, suite, test } from '../harness';
import { citelens, completeAt } from './util';
import type { CiteLensApi } from '../../../src/extension';

let api: CiteLensApi;

suite('completion in LaTeX', () => {
  before(async () => {
    api = await citelens();
    ok(api.collections.status.papers >= 100, `only ${api.collections.status.papers} papers indexed`);
  });

  test('\\cite{ offers papers, the list is incomplete and items keep their filter text', async () => {
    const { labels, list, items } = await completeAt('latex', 'See \\cite{|');
    ok(labels.length > 0, 'no items');
    equal(list.isIncomplete, true, 'isIncomplete');
    for (const item of items) equal(item.filterText, '', 'filterText is the typed text');
    for (const l of labels) ok(await hasKey(api, l), `${l} is a key`);
  });

  test('\\citep[see][p.~3]{ with options', async () => {
    const { labels } = await completeAt('latex', 'As shown \\citep[see][p.~3]{kirchhof|');
    equal(labels[0], 'kirchhof2024pretrained');
  });

  test('biblatex multicite \\autocites(a)(b)[x]{k1}[y]{', async () => {
    const { labels } = await completeAt('latex', '\\autocites(a)(b)[x]{elisa2024tda}[y]{pretrained visual|');
    equal(labels[0], 'kirchhof2024pretrained');
  });

  test('a second key after a comma, without the first one again', async () => {
    const { labels } = await completeAt('latex', '\\cite{kirchhof2024pretrained,|');
    ok(labels.length > 0, 'no items after the comma');
    ok(!labels.includes('kirchhof2024pretrained'), 'the key already cited is offered again');
  });

  test('a key on the next line of a multi-line key list', async () => {
    const { labels } = await completeAt('latex', '\\cite{kirchhof2024pretrained,\n    balint|');
    equal(labels[0], 'balint2024disentanglement');
  });

  test('the partly typed key is replaced, nothing doubled', async () => {
    const { items, doc, position } = await completeAt('latex', '\\cite{kirch|hof}');
    const item = items.find((i) => (typeof i.label === 'string' ? i.label : i.label.label) === 'kirchhof2024pretrained');
    ok(item, 'kirchhof2024pretrained not offered');
    const range = item.range as { inserting: vscode.Range; replacing: vscode.Range };
    equal(doc.getText(range.inserting), 'kirch');
    equal(doc.getText(range.replacing), 'kirchhof');
    ok(range.inserting.end.isEqual(position));
  });

  test('search by author, year and a partial word: \\cite{oh 2024 unc', async () => {
    const { labels } = await completeAt('latex', '\\cite{oh 2024 unc|');
    ok(labels.length >= 3, `only ${labels.length} results`);
    for (const key of labels.slice(0, 3)) {
      const paper = (await paperOf(api, key))!;
      ok(paper.authors.some((a) => a.family === 'Oh'), `${key} is not by Oh`);
      equal(paper.year, '2024', `${key} year`);
      ok(/uncertaint/i.test(paper.title + paper.abstract + paper.keywords.join()), `${key} is not about uncertainty`);
    }
  });

  test('search by title words', async () => {
    const { labels } = await completeAt('latex', '\\cite{star domain|');
    equal(labels[0], 'ankit2024star');
  });

  test('item shows "Surname et al. (Year) — Title" and, once resolved, the APA reference and the abstract', async () => {
    const unresolved = (await completeAt('latex', '\\cite{kirchhof2024pre|')).items[0];
    equal(unresolved.documentation, undefined, 'the abstract is not sent with every item');
    const { items } = await completeAt('latex', '\\cite{kirchhof2024pre|', 1);
    const item = items[0];
    const label = item.label as vscode.CompletionItemLabel;
    equal(label.label, 'kirchhof2024pretrained');
    equal(label.description, 'Kirchhof et al. (2024) — Pretrained Visual Uncertainties');
    const doc = item.documentation as vscode.MarkdownString;
    includes(doc.value, 'Uncertainty estimation so far');
    // The reference comes first, in the default style (APA): family name, initials, year.
    const shown = doc.value.replace(/\\([\\`*_{}[\]()#+\-.!|<>~&:$])/g, '$1');
    ok(shown.indexOf('Kirchhof, M.') >= 0 && shown.indexOf('Kirchhof, M.') < shown.indexOf('Uncertainty estimation so far'), `reference first: ${shown.slice(0, 300)}`);
  });

  test('no completion in a comment or outside a cite command', async () => {
    deepEqual((await completeAt('latex', '% \\cite{|')).labels, []);
    deepEqual((await completeAt('latex', '\\section{|')).labels, []);
    deepEqual((await completeAt('latex', '\\cite[see|')).labels, []);
  });
});

suite('completion in Markdown', () => {
  before(async () => {
    api = await citelens();
  });

  test('[@ offers papers', async () => {
    const { labels, list } = await completeAt('markdown', 'As shown [@|');
    ok(labels.length > 0, 'no items');
    equal(list.isIncomplete, true);
  });

  test('[see @a; @ offers the second key', async () => {
    const { labels } = await completeAt('markdown', '[see @elisa2024tda; @kirchhof|');
    equal(labels[0], 'kirchhof2024pretrained');
  });

  test('in-text @key', async () => {
    const { labels } = await completeAt('markdown', 'As @kirchhof2024p| argue');
    equal(labels[0], 'kirchhof2024pretrained');
  });

  test('[@level set searches abstracts', async () => {
    // Abstracts are indexed in the background after the first read.
    await eventually(async () => (await completeAt('markdown', 'Level sets [@level set|')).labels.includes('exploring'), 15_000, 'exploring among the results');
  }, { timeout: 20_000 });

  test('no completion in code blocks, code spans or e-mail addresses', async () => {
    deepEqual((await completeAt('markdown', '```\n[@|\n```')).labels, []);
    deepEqual((await completeAt('markdown', 'Run `[@|')).labels, []);
    deepEqual((await completeAt('markdown', 'mail someone@kirch|')).labels, []);
  });
});
