/**
 * The library: its commands and webview panel, inserting citations into the active
 * LaTeX/Markdown editor (one undoable edit, in the document's syntax), and the host-side
 * pages following collection changes. Runs in both extension hosts.
 */
import type { LibraryQuery } from '../../../src/core/libraryProtocol';
import * as vscode from 'vscode';
import { equal, eventually, includes, ok } from '../assert';
import { before, suite, test } from '../harness';
import { citelens, removeQuietly, workspaceUri, writeText } from './util';
import type { CiteLensApi } from '../../../src/extension';

let api: CiteLensApi;

async function editorWith(language: string, marked: string): Promise<vscode.TextEditor> {
  const offset = marked.indexOf('|');
  const doc = await vscode.workspace.openTextDocument({ language, content: marked.replace('|', '') });
  const editor = await vscode.window.showTextDocument(doc);
  const pos = doc.positionAt(offset);
  editor.selection = new vscode.Selection(pos, pos);
  return editor;
}

suite('library', () => {
  before(async () => {
    api = await citelens();
  });

  test('the library and insert commands are registered', async () => {
    const commands = await vscode.commands.getCommands(true);
    includes(commands, 'citelens.openLibrary');
    includes(commands, 'citelens.insertCitation');
  });

  test('citelens.openLibrary opens one editor panel, and again reveals it', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const before = api.library.openWebviews;
    await vscode.commands.executeCommand('citelens.openLibrary');
    await eventually(() => api.library.openWebviews === before + 1, 5000, 'a library webview');
    const allTabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs);
    const tabs = () => allTabs().filter((t) => t.label === 'CiteLens Library');
    await eventually(() => tabs().length === 1, 5000, `one library tab (tabs: ${allTabs().map((t) => t.label).join(', ')})`);
    ok(tabs()[0].input instanceof vscode.TabInputWebview, 'the tab is a webview');
    await vscode.commands.executeCommand('citelens.openLibrary');
    equal(tabs().length, 1, 'a second panel opened');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await eventually(() => api.library.openWebviews === before, 5000, 'the panel closed');
  });

  test('insert into LaTeX: \\cite{a, b} at the cursor, one undoable edit', async () => {
    const editor = await editorWith('latex', 'See | for details.');
    await vscode.commands.executeCommand('citelens.insertCitation', ['kirchhof2024pretrained', 'park2023nearest']);
    equal(editor.document.getText(), 'See \\cite{kirchhof2024pretrained, park2023nearest} for details.');
    await vscode.commands.executeCommand('undo');
    equal(editor.document.getText(), 'See  for details.');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('insert into LaTeX inside an existing key list adds `, key`', async () => {
    const editor = await editorWith('latex', '\\citep[p.~3]{park2023nearest|} and more');
    await vscode.commands.executeCommand('citelens.insertCitation', ['kirchhof2024pretrained']);
    equal(editor.document.getText(), '\\citep[p.~3]{park2023nearest, kirchhof2024pretrained} and more');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('insert into Markdown: [@key], and `; @key` inside a bracket', async () => {
    const editor = await editorWith('markdown', 'As shown |.');
    await vscode.commands.executeCommand('citelens.insertCitation', ['kirchhof2024pretrained']);
    equal(editor.document.getText(), 'As shown [@kirchhof2024pretrained].');
    const inside = await editorWith('markdown', 'See [@park2023nearest, p. 3|].');
    await vscode.commands.executeCommand('citelens.insertCitation', ['kirchhof2024pretrained', 'park2023nearest']);
    equal(inside.document.getText(), 'See [@park2023nearest, p. 3; @kirchhof2024pretrained].');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the last LaTeX editor is the target while another editor is active', async () => {
    const tex = await editorWith('latex', 'Cite |here.');
    const plain = await vscode.workspace.openTextDocument({ language: 'plaintext', content: 'not a citing document' });
    await vscode.window.showTextDocument(plain, vscode.ViewColumn.Beside);
    await vscode.commands.executeCommand('citelens.insertCitation', ['park2023nearest']);
    equal(tex.document.getText(), 'Cite \\cite{park2023nearest}here.');
    equal(plain.getText(), 'not a citing document');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('library pages: an author page and a topic page from the live library', async () => {
    const run = (query: LibraryQuery) => api.collections.catalog.call('libraryQuery', query, 120);
    const all = await run({ text: '', selection: {}, view: { kind: 'results' } });
    ok(all.total >= 100, `${all.total} papers`);
    const oh = all.facets.authors.values.find((a) => a.label === 'Seong Joon Oh');
    ok(oh, 'Seong Joon Oh among the top authors');
    const page = await run({ text: '', selection: {}, view: { kind: 'author', id: oh.id } });
    equal(page.total, oh.count);
    ok(page.page?.kind === 'author' && page.page.coauthors.length > 0, 'co-authors');
    const topic = all.facets.topics.values[0];
    const topicPage = await run({ text: '', selection: {}, view: { kind: 'topic', id: topic.id } });
    equal(topicPage.total, topic.count);
    // Papers without keywords (refs/vision.bib) get derived topics.
    const vision = await run({ text: '', selection: { files: all.facets.files.values.filter((f) => f.label.includes('vision')).map((f) => f.id) }, view: { kind: 'results' } });
    ok(vision.total > 0, 'refs/vision.bib papers');
    ok(vision.facets.topics.values.some((t) => t.derived), `no derived topics: ${vision.facets.topics.values.map((t) => t.label).join(', ')}`);
  }, { timeout: 30_000 });

  test('the library follows a collection created and deleted', async () => {
    const uri = workspaceUri('tmp-library.bib');
    const query = { text: 'zebrafish', selection: {}, view: { kind: 'results' as const } };
    try {
      await writeText(uri, '@article{zebra2026,\n  title = {Zebrafish Collections},\n  author = {Stripe, Zara},\n  year = {2026}\n}\n');
      await eventually(async () => (await api.collections.catalog.call('libraryQuery', query, 120)).cards.some((c) => c.key === 'zebra2026'), 15_000, 'the new paper listed');
      await vscode.workspace.fs.delete(uri);
      await eventually(async () => (await api.collections.catalog.call('libraryQuery', query, 120)).total === 0, 15_000, 'the deleted paper gone');
    } finally {
      await removeQuietly(uri);
    }
  }, { timeout: 40_000 });
});
