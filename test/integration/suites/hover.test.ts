/** Hover on cited keys through `vscode.executeHoverProvider`. */
import { includes, match, ok } from '../assert';
import { before, suite, test } from '../harness';
import { citelens, hoverAt } from './util';

suite('hover', () => {
  before(async () => {
    await citelens();
  });

  test('LaTeX: title, authors, year, abstract, keywords and the source line', async () => {
    const text = await hoverAt('latex', 'Shown by \\citep[p.~2]{elisa2024tda, kirchhof20|24pretrained}.');
    includes(text, 'Pretrained Visual Uncertainties');
    includes(text, 'Michael Kirchhof');
    includes(text, '2024');
    includes(text, 'Uncertainty estimation so far');
    includes(text, 'Uncertainty');
    match(text, /oh-group\.bib:\d+/);
    includes(text, 'command:citelens.openEntry');
  });

  test('Markdown: [@key]', async () => {
    const text = await hoverAt('markdown', 'Blind spots [@explor|ing].');
    includes(text, 'Exploring Geometry of Blind Spots in Vision Models');
  });

  test('no hover outside citations', async () => {
    const text = await hoverAt('latex', '\\ref{kirchhof20|24pretrained}');
    ok(!text.includes('Pretrained Visual'), 'hover shown on a \\ref');
  });

  test('an undefined key says so', async () => {
    const text = await hoverAt('latex', '\\cite{no-such-ke|y}');
    includes(text, 'No entry with the key');
  });
});
