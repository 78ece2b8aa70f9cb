/**
 * Citation diagnostics and quick fixes through `vscode.languages.getDiagnostics` and
 * `vscode.executeCodeActionProvider`: undefined keys appear while typing and go when fixed,
 * case mismatches, scoping to the collections a document (or its main file) names, the
 * severity settings, "Search the library", and "Go to the other definition" of a duplicate.
 */
import { hasKey, paperOf } from '../catalog';
import * as vscode from 'vscode';
import { equal, eventually, includes, match, ok } from '../assert';
import { before, suite, test } from '../harness';
import { citelens, workspaceUri } from './util';

function citationProblems(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'CiteLens' && (d.code === 'undefined-key' || d.code === 'case-mismatch'));
}

/** Types `text` at the end of the editor's document, a few characters at a time. */
async function type(editor: vscode.TextEditor, text: string): Promise<void> {
  for (let i = 0; i < text.length; i += 3) {
    const end = editor.document.positionAt(editor.document.getText().length);
    ok(await editor.edit((b) => b.insert(end, text.slice(i, i + 3))), 'edit');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Polls until `cond` gives a value (not undefined/empty), then returns it. */
async function until<T>(cond: () => T | undefined | Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  return (await eventually(cond, timeoutMs, what)) as T;
}

/** The citation problems of a document once there are some. */
function someProblems(uri: vscode.Uri): vscode.Diagnostic[] | undefined {
  const found = citationProblems(uri);
  return found.length ? found : undefined;
}

async function untitledEditor(language: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument({ language, content: '' });
  return vscode.window.showTextDocument(doc);
}

async function fixes(uri: vscode.Uri, range: vscode.Range): Promise<vscode.CodeAction[]> {
  const actions = await vscode.commands.executeCommand<Array<vscode.CodeAction | vscode.Command>>('vscode.executeCodeActionProvider', uri, range);
  // A bare Command has a string `command`; a CodeAction's command is an object.
  return actions.filter((a): a is vscode.CodeAction => typeof a.command !== 'string');
}

async function closeAll(): Promise<void> {
  // Untitled test documents are discarded without asking.
  for (const editor of vscode.window.visibleTextEditors) {
    if (editor.document.isUntitled && editor.document.isDirty) {
      await vscode.window.showTextDocument(editor.document);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

suite('citation diagnostics', () => {
  before(async () => {
    const api = await citelens();
    await eventually(async () => (await hasKey(api, 'navbook2019')), 15_000, 'nav.bib indexed');
  });

  test('an undefined key appears while typing and goes when fixed with the nearest key', async () => {
    const editor = await untitledEditor('latex');
    const uri = editor.document.uri;
    try {
      await type(editor, 'See \\cite{navbok2019}.');
      const [d] = await until(() => someProblems(uri), 10_000, 'undefined-key diagnostic');
      equal(d.code, 'undefined-key');
      equal(d.severity, vscode.DiagnosticSeverity.Warning);
      equal(editor.document.getText(d.range), 'navbok2019');
      includes(d.message, "'navbok2019'");
      const actions = await fixes(uri, d.range);
      const titles = actions.map((a) => a.title);
      includes(titles, "Replace with 'navbook2019'");
      includes(titles, "Search the library for 'navbok2019'…");
      const replace = actions.find((a) => a.title === "Replace with 'navbook2019'")!;
      ok(await vscode.workspace.applyEdit(replace.edit!), 'apply the fix');
      equal(editor.document.getText(), 'See \\cite{navbook2019}.');
      await eventually(() => citationProblems(uri).length === 0, 10_000, 'diagnostic gone after the fix');
      // Typing a wrong key again, then correcting it by hand.
      await type(editor, ' \\citep{navarticle20}');
      await eventually(() => citationProblems(uri).some((x) => editor.document.getText(x.range) === 'navarticle20'), 10_000, 'the partial key flagged');
      const beforeBrace = editor.document.positionAt(editor.document.getText().length - 1);
      ok(await editor.edit((b) => b.insert(beforeBrace, '2')));
      ok(await editor.edit((b) => b.insert(beforeBrace.translate(0, 1), '0')));
      equal(editor.document.getText(), 'See \\cite{navbook2019}. \\citep{navarticle2020}');
      await eventually(() => citationProblems(uri).length === 0, 10_000, 'diagnostic gone once typed in full');
    } finally {
      await closeAll();
    }
    await eventually(() => citationProblems(uri).length === 0, 5_000, 'diagnostics cleared on close');
  }, { timeout: 40_000 });

  test('a macro defined over \\citep: #1 is no key, its uses are checked, completed and hovered', async () => {
    const text = '\\newcommand{\\my}[1]{\\citep{#1}}\n\\def\\plain#1{\\cite{#1}}\nSee \\my{navbok2019} and \\plain{navbook2019}.\n';
    const doc = await vscode.workspace.openTextDocument({ language: 'latex', content: text });
    await vscode.window.showTextDocument(doc);
    const uri = doc.uri;
    try {
      const problems = await until(() => someProblems(uri), 10_000, 'undefined-key diagnostic');
      equal(problems.map((d) => doc.getText(d.range)).join(', '), 'navbok2019', 'only the misspelt key is flagged, not #1');
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, doc.positionAt(text.indexOf('navbok2019') + 3));
      ok(list.items.some((i) => (typeof i.label === 'string' ? i.label : i.label.label) === 'navbook2019'), 'completion inside \\my{…}');
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, doc.positionAt(text.indexOf('navbook2019') + 2));
      ok(hovers.length > 0, 'a hover on the key inside \\plain{…}');
    } finally {
      await closeAll();
    }
  }, { timeout: 30_000 });

  test('a key in another case: offers the entry spelling as the preferred fix', async () => {
    const editor = await untitledEditor('markdown');
    const uri = editor.document.uri;
    try {
      await type(editor, 'As [@NavArticle2020] shows.');
      const [d] = await until(() => someProblems(uri), 10_000, 'case-mismatch diagnostic');
      equal(d.code, 'case-mismatch');
      includes(d.message, "'navarticle2020'");
      const fix = (await fixes(uri, d.range)).find((a) => a.isPreferred);
      ok(fix, 'no preferred fix');
      equal(fix.title, "Replace with 'navarticle2020'");
      ok(await vscode.workspace.applyEdit(fix.edit!));
      await eventually(() => citationProblems(uri).length === 0, 10_000, 'gone after the fix');
    } finally {
      await closeAll();
    }
  }, { timeout: 30_000 });

  test('\\nocite{*} defines no key; * itself is not a problem', async () => {
    const editor = await untitledEditor('latex');
    try {
      await type(editor, '\\nocite{*}\\cite{navnosuchkey}');
      const found = await until(() => someProblems(editor.document.uri), 10_000, 'diagnostic');
      equal(found.length, 1);
      equal(editor.document.getText(found[0].range), 'navnosuchkey');
    } finally {
      await closeAll();
    }
  }, { timeout: 30_000 });

  test("a file included from a main file is checked against the main file's collections", async () => {
    const intro = workspaceUri('nav', 'chapters', 'intro.tex');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(intro));
    try {
      const found = await until(() => someProblems(intro), 15_000, 'diagnostics on intro.tex');
      equal(found.length, 1, found.map((d) => d.message).join(' | '));
      equal(found[0].range.start.line, 2);
      match(found[0].message, /'park2023nearest' in nav\/nav\.bib .*defined in park-jaewoo\.bib/);
      for (const uri of [workspaceUri('nav', 'main.tex'), workspaceUri('nav', 'cites.md')]) {
        await vscode.workspace.openTextDocument(uri);
      }
      await new Promise((r) => setTimeout(r, 1000));
      equal(citationProblems(workspaceUri('nav', 'main.tex')).length, 0, 'main.tex');
      equal(citationProblems(workspaceUri('nav', 'cites.md')).length, 0, 'cites.md');
    } finally {
      await closeAll();
    }
  }, { timeout: 30_000 });

  test('severity settings: error, off, and back; collection problems too', async () => {
    const config = vscode.workspace.getConfiguration('citelens.diagnostics');
    const bib = workspaceUri('nav', 'nav.bib');
    const duplicates = () => vscode.languages.getDiagnostics(bib).filter((d) => d.code === 'duplicate-key');
    const editor = await untitledEditor('latex');
    const uri = editor.document.uri;
    try {
      await eventually(() => duplicates().length === 2, 10_000, 'the duplicate key reported twice');
      await type(editor, '\\cite{navmissing}');
      await eventually(() => citationProblems(uri).length === 1, 10_000, 'reported');
      await config.update('undefinedKeys', 'error', vscode.ConfigurationTarget.Global);
      await eventually(() => citationProblems(uri)[0]?.severity === vscode.DiagnosticSeverity.Error, 10_000, 'an error');
      await config.update('undefinedKeys', 'off', vscode.ConfigurationTarget.Global);
      await eventually(() => citationProblems(uri).length === 0, 10_000, 'off');
      await config.update('duplicateKeys', 'off', vscode.ConfigurationTarget.Global);
      await eventually(() => duplicates().length === 0, 10_000, 'duplicate keys off');
      await config.update('duplicateKeys', 'information', vscode.ConfigurationTarget.Global);
      await eventually(() => duplicates().length === 2 && duplicates().every((d) => d.severity === vscode.DiagnosticSeverity.Information), 10_000, 'duplicate keys as information');
    } finally {
      await config.update('undefinedKeys', undefined, vscode.ConfigurationTarget.Global);
      await config.update('duplicateKeys', undefined, vscode.ConfigurationTarget.Global);
      await closeAll();
    }
    await eventually(() => duplicates().length === 2 && duplicates().every((d) => d.severity === vscode.DiagnosticSeverity.Warning), 10_000, 'duplicate keys back to warnings');
  }, { timeout: 40_000 });

  test('"Search the library" replaces the key with the paper picked', async () => {
    const editor = await untitledEditor('latex');
    const uri = editor.document.uri;
    try {
      await type(editor, '\\cite{navigator}');
      const [d] = await until(() => someProblems(uri), 10_000, 'diagnostic');
      const search = (await fixes(uri, d.range)).find((a) => a.title.startsWith('Search the library'));
      ok(search?.command, 'no search action');
      const running = vscode.commands.executeCommand(search.command.command, ...(search.command.arguments ?? []));
      await eventually(async () => {
        await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        return !editor.document.getText().includes('{navigator}');
      }, 10_000, 'the picked key inserted', 300);
      await running;
      match(editor.document.getText(), /^\\cite\{nav(book|chapter)2019\}$/);
      await eventually(() => citationProblems(uri).length === 0, 10_000, 'no problem left');
    } finally {
      await closeAll();
    }
  }, { timeout: 30_000 });

  test('a duplicate key in a .bib: "Go to the other definition"', async () => {
    const bib = workspaceUri('nav', 'nav.bib');
    const doc = await vscode.workspace.openTextDocument(bib);
    const first = await until(() => vscode.languages.getDiagnostics(bib).find((d) => d.code === 'duplicate-key' && d.range.start.line === 29), 10_000, 'duplicate diagnostic');
    const go = (await fixes(bib, first.range)).find((a) => a.title.startsWith('Go to the other definition'));
    ok(go?.command, 'no go-to action');
    includes(go.title, 'line 35');
    try {
      await vscode.commands.executeCommand(go.command.command, ...(go.command.arguments ?? []));
      const editor = await until(() => (vscode.window.activeTextEditor?.document.uri.toString() === doc.uri.toString() ? vscode.window.activeTextEditor : undefined), 5_000, 'the .bib shown');
      equal(editor.selection.active.line, 34);
    } finally {
      await closeAll();
    }
  }, { timeout: 20_000 });
});
