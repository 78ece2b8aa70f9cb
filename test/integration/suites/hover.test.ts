/** Hover on cited keys through `vscode.executeHoverProvider`. */
import * as vscode from 'vscode';
import { equal, eventually, includes, match, ok } from '../assert';
import { before, suite, test } from '../harness';
import { citelens, hoverAt, openWithCursor, removeQuietly, workspaceUri, writeText } from './util';

suite('hover', () => {
  before(async () => {
    await citelens();
  });

  test('LaTeX: the reference (APA by default), abstract, keywords and the source line', async () => {
    const text = await hoverAt('latex', 'Shown by \\citep[p.~2]{elisa2024tda, kirchhof20|24pretrained}.');
    includes(text, 'Pretrained Visual Uncertainties');
    includes(text, 'Kirchhof, M., Collier, M., Oh, S. J., & Kasneci, E. (2024). *Pretrained Visual Uncertainties*.');
    includes(text, 'APA 7th edition');
    includes(text, 'command:citelens.copyFormattedReference');
    includes(text, '2024');
    includes(text, 'Uncertainty estimation so far');
    includes(text, 'Uncertainty');
    match(text, /oh-group\.bib:\d+/);
    includes(text, 'command:citelens.openEntry');
  });

  test('the document\'s own style: \\bibliographystyle{IEEEtran} gives IEEE, biblatex style=nature gives Nature', async () => {
    const ieee = await hoverAt('latex', '\\bibliographystyle{IEEEtran}\nShown by \\cite{kirchhof20|24pretrained}.');
    includes(ieee, 'M. Kirchhof, M. Collier, S. J. Oh, and E. Kasneci,');
    includes(ieee, 'IEEE (\\bibliographystyle{IEEEtran})');
    const nature = await hoverAt('latex', '\\usepackage[backend=biber,style=nature]{biblatex}\nShown by \\cite{kirchhof20|24pretrained}.');
    includes(nature, 'Kirchhof, M., Collier, M., Oh, S. J. & Kasneci, E.');
  });

  test('Markdown front matter csl: ieee.csl without such a file uses the bundled IEEE style', async () => {
    const text = await hoverAt('markdown', '---\ncsl: ieee.csl\n---\nAs [@kirchhof20|24pretrained] show.');
    includes(text, 'M. Kirchhof, M. Collier, S. J. Oh, and E. Kasneci,');
  });

  test('a dependent CSL file next to the document (a journal over Nature) formats as its parent', async () => {
    const style = workspaceUri('tmp-journal.csl');
    const doc = workspaceUri('tmp-journal.md');
    try {
      await writeText(style, '<?xml version="1.0" encoding="utf-8"?>\n<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" default-locale="en-GB"><info><title>Some Nature Journal</title><id>http://www.zotero.org/styles/some-nature-journal</id><link href="http://www.zotero.org/styles/nature" rel="independent-parent"/></info></style>\n');
      const text = '---\ncsl: tmp-journal.csl\n---\nAs [@kirchhof2024pretrained] show.\n';
      await writeText(doc, text);
      const opened = await vscode.workspace.openTextDocument(doc);
      const position = opened.positionAt(text.indexOf('kirchhof') + 4);
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', opened.uri, position);
      const shown = hovers.flatMap((h) => h.contents).map((c) => (typeof c === 'string' ? c : c.value)).join('\n').replace(/\\([\\`*_{}[\]()#+\-.!|<>~&:$])/g, '$1');
      includes(shown, 'Kirchhof, M., Collier, M., Oh, S. J. & Kasneci, E.');
      includes(shown, 'Nature (csl: tmp-journal.csl)');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await removeQuietly(doc);
      await removeQuietly(style);
    }
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

  test('Copy Formatted Reference and Copy Citation: the setting\'s style without a document, the document\'s with one', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const one = await vscode.commands.executeCommand<{ text: string; style: string }>('citelens.copyFormattedReference', ['kirchhof2024pretrained']);
    equal(one?.text, 'Kirchhof, M., Collier, M., Oh, S. J., & Kasneci, E. (2024). Pretrained Visual Uncertainties.');
    includes(one?.style ?? '', 'American Psychological Association');
    const cite = await vscode.commands.executeCommand<{ text: string }>('citelens.copyCitation', ['kirchhof2024pretrained']);
    equal(cite?.text, '(Kirchhof et al., 2024)');
    // With an IEEE document in the editor: numbered reference list and numeric citation.
    const { doc } = await openWithCursor('latex', '\\bibliographystyle{IEEEtran}\nSee \\cite{kirchhof2024pretrained}|.');
    await vscode.window.showTextDocument(doc);
    // The extension host learns of the active editor by a message of its own; a user's command comes after it.
    await eventually(() => vscode.window.activeTextEditor?.document.uri.toString() === doc.uri.toString(), 10_000, 'the IEEE document active');
    const list = await vscode.commands.executeCommand<{ text: string }>('citelens.copyFormattedReference', ['kirchhof2024pretrained', 'elisa2024tda']);
    const lines = (list?.text ?? '').split('\n');
    equal(lines.length, 2, list?.text);
    match(lines[0], /^\[1\] M\. Kirchhof, M\. Collier, S\. J\. Oh, and E\. Kasneci, “Pretrained Visual Uncertainties\.” 2024\.$/);
    match(lines[1], /^\[2\] /);
    equal((await vscode.commands.executeCommand<{ text: string }>('citelens.copyCitation', ['kirchhof2024pretrained', 'elisa2024tda']))?.text, '[1], [2]');
    // The clipboard holds what was copied (where the host has one).
    const clip = await vscode.env.clipboard.readText();
    ok(clip === '[1], [2]' || clip === '', `clipboard: ${clip}`);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
