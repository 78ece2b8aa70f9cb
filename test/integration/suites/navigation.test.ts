/**
 * Navigation through VS Code's own commands on the nav/ fixture project (nav.bib with a
 * crossref, an xdata, an ids alias and a duplicate; main.tex including chapters/intro.tex;
 * cites.md): definition, references, rename (applied, saved, undone, saved: byte-identical),
 * refused renames, document links, document and workspace symbols. Runs in both hosts.
 */
import { hasKey, paperOf } from '../catalog';
import * as vscode from 'vscode';
import { deepEqual, equal, eventually, includes, match, ok, rejects } from '../assert';
import { before, suite, test } from '../harness';
import { citelens, positionOf, workspaceUri } from './util';
import type { CiteLensApi } from '../../../src/extension';

let api: CiteLensApi;

const bib = () => workspaceUri('nav', 'nav.bib');
const mainTex = () => workspaceUri('nav', 'main.tex');
const introTex = () => workspaceUri('nav', 'chapters', 'intro.tex');
const citesMd = () => workspaceUri('nav', 'cites.md');

function targetOf(l: vscode.Location | vscode.LocationLink): { uri: vscode.Uri; range: vscode.Range } {
  return 'targetUri' in l ? { uri: l.targetUri, range: l.targetSelectionRange ?? l.targetRange } : { uri: l.uri, range: l.range };
}

async function textAt(uri: vscode.Uri, range: vscode.Range): Promise<string> {
  return (await vscode.workspace.openTextDocument(uri)).getText(range);
}

function relative(uri: vscode.Uri): string {
  return vscode.workspace.asRelativePath(uri, false);
}

async function definitions(uri: vscode.Uri, needle: string, occurrence = 0): Promise<Array<{ file: string; text: string; line: number }>> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const found = await vscode.commands.executeCommand<Array<vscode.Location | vscode.LocationLink>>('vscode.executeDefinitionProvider', uri, positionOf(doc, needle, 2, occurrence));
  const out = [];
  for (const l of found ?? []) {
    const t = targetOf(l);
    out.push({ file: relative(t.uri), text: await textAt(t.uri, t.range), line: t.range.start.line });
  }
  return out;
}

/** References as sorted `file:line:text` strings. */
async function references(uri: vscode.Uri, needle: string, occurrence = 0): Promise<string[]> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const found = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', uri, positionOf(doc, needle, 2, occurrence));
  const out: string[] = [];
  for (const l of found ?? []) out.push(`${relative(l.uri)}:${l.range.start.line}:${await textAt(l.uri, l.range)}`);
  return out.sort();
}

async function readBytes(uri: vscode.Uri): Promise<Uint8Array> {
  return vscode.workspace.fs.readFile(uri);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

suite('go to definition', () => {
  before(async () => {
    api = await citelens();
    await eventually(async () => (await hasKey(api, 'navbook2019')), 15_000, 'nav.bib indexed');
  });

  test('LaTeX: a cited key goes to its entry key in the .bib', async () => {
    deepEqual(await definitions(mainTex(), 'navbook2019'), [{ file: 'nav/nav.bib', text: 'navbook2019', line: 3 }]);
  });

  test('Markdown: [@key] and in-text @key', async () => {
    deepEqual(await definitions(citesMd(), '@navbook2019'), [{ file: 'nav/nav.bib', text: 'navbook2019', line: 3 }]);
    deepEqual(await definitions(citesMd(), '@navchapter2019'), [{ file: 'nav/nav.bib', text: 'navchapter2019', line: 10 }]);
  });

  test('an ids alias goes to its entry', async () => {
    deepEqual(await definitions(introTex(), 'navoldchapter'), [{ file: 'nav/nav.bib', text: 'navchapter2019', line: 10 }]);
  });

  test('a duplicate key goes to every definition', async () => {
    const found = await definitions(introTex(), 'navtwice2021');
    deepEqual(found.map((f) => `${f.file}:${f.line}:${f.text}`).sort(), ['nav/nav.bib:29:navtwice2021', 'nav/nav.bib:34:navtwice2021']);
  });

  test('in the .bib, a crossref value goes to the parent entry', async () => {
    deepEqual(await definitions(bib(), '{navbook2019}'), [{ file: 'nav/nav.bib', text: 'navbook2019', line: 3 }]);
  });

  test('nothing outside citations', async () => {
    deepEqual(await definitions(mainTex(), 'documentclass'), []);
  });
});

suite('find all references', () => {
  const NAVBOOK = ['nav/chapters/intro.tex:2:navbook2019', 'nav/cites.md:5:navbook2019', 'nav/main.tex:4:navbook2019', 'nav/nav.bib:11:navbook2019', 'nav/nav.bib:3:navbook2019'];

  before(async () => {
    api = await citelens();
  });

  test('from a citation: every citing document (open or not), the crossref and the declaration', async () => {
    deepEqual(await references(mainTex(), 'navbook2019'), NAVBOOK);
  });

  test("from the entry's key in the .bib", async () => {
    deepEqual(await references(bib(), 'navbook2019,'), NAVBOOK);
  });

  test('citations through an ids alias count; xdata references too', async () => {
    deepEqual(await references(citesMd(), 'navchapter2019'), ['nav/chapters/intro.tex:1:navoldchapter', 'nav/cites.md:5:navchapter2019', 'nav/main.tex:4:navchapter2019', 'nav/nav.bib:10:navchapter2019']);
    deepEqual(await references(bib(), 'navseries,'), ['nav/nav.bib:17:navseries', 'nav/nav.bib:26:navseries']);
  });

  test('unsaved text of an open document counts', async () => {
    const doc = await vscode.workspace.openTextDocument(citesMd());
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, doc.positionAt(doc.getText().length), 'Again [@navbook2019].\n');
    ok(await vscode.workspace.applyEdit(edit));
    try {
      const found = await references(mainTex(), 'navbook2019');
      equal(found.length, NAVBOOK.length + 1, found.join(', '));
      includes(found, 'nav/cites.md:6:navbook2019');
    } finally {
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
    deepEqual(await references(mainTex(), 'navbook2019'), NAVBOOK);
  });
});

suite('rename a citation key', () => {
  before(async () => {
    api = await citelens();
  });

  test('prepareRename gives the key range; off a key it is refused with a reason', async () => {
    const doc = await vscode.workspace.openTextDocument(mainTex());
    const prepared = await vscode.commands.executeCommand<{ range: vscode.Range; placeholder: string }>('vscode.prepareRename', doc.uri, positionOf(doc, 'navbook2019', 4));
    equal(prepared?.placeholder, 'navbook2019');
    equal(doc.getText(prepared!.range), 'navbook2019');
    const off = await rejects(() => vscode.commands.executeCommand('vscode.prepareRename', doc.uri, positionOf(doc, 'The handbook', 2)));
    match(String((off as Error).message ?? off), /Put the cursor on a citation key/);
    const undefinedKey = await rejects(() => vscode.commands.executeCommand('vscode.prepareRename', doc.uri, positionOf(doc, 'nav}', 1)));
    ok(undefinedKey, 'a bibliography name is not a key');
  });

  test('an existing key (in any case) and invalid keys are refused; nothing is written', async () => {
    const files = [bib(), mainTex(), introTex(), citesMd()];
    const before = await Promise.all(files.map(readBytes));
    const doc = await vscode.workspace.openTextDocument(mainTex());
    const at = positionOf(doc, 'navbook2019', 4);
    const refusal = async (newName: string) => {
      const e = await rejects(() => vscode.commands.executeCommand('vscode.executeDocumentRenameProvider', doc.uri, at, newName), `renaming to '${newName}'`);
      return String((e as Error).message ?? e);
    };
    match(await refusal('navarticle2020'), /already exists/);
    match(await refusal('NAVARTICLE2020'), /'navarticle2020' already exists.*differ only in case/);
    match(await refusal('navoldchapter'), /already exists/);
    match(await refusal('nav book'), /white space/);
    match(await refusal('nav,book'), /contains ','/);
    match(await refusal('nav{book'), /contains '\{'/);
    match(await refusal('@navbook'), /starts with '@'/);
    match(await refusal('nav;book'), /Pandoc/);
    const after = await Promise.all(files.map(readBytes));
    files.forEach((f, i) => ok(sameBytes(before[i], after[i]), `${relative(f)} changed`));
    const dirty = vscode.workspace.textDocuments.filter((d) => d.isDirty && files.some((f) => f.toString() === d.uri.toString()));
    equal(dirty.length, 0, `edited: ${dirty.map((d) => relative(d.uri)).join(', ')}`);
  });

  test('from an alias it is refused with the entry to rename instead', async () => {
    const doc = await vscode.workspace.openTextDocument(introTex());
    const e = await rejects(() => vscode.commands.executeCommand('vscode.prepareRename', doc.uri, positionOf(doc, 'navoldchapter', 3)));
    match(String((e as Error).message ?? e), /alias.*navchapter2019/);
  });

  test('one edit renames the entry, every citation and the crossref; saved, undone and saved again, every file is byte-identical', async () => {
    const files = [bib(), mainTex(), introTex(), citesMd()];
    const original = await Promise.all(files.map(readBytes));
    const doc = await vscode.workspace.openTextDocument(introTex());
    const edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit>('vscode.executeDocumentRenameProvider', doc.uri, positionOf(doc, 'navbook2019', 5), 'navhandbook2019');
    const counts = edit.entries().map(([uri, edits]) => `${relative(uri)}:${edits.length}`).sort();
    deepEqual(counts, ['nav/chapters/intro.tex:1', 'nav/cites.md:1', 'nav/main.tex:1', 'nav/nav.bib:2']);
    for (const [, edits] of edit.entries()) for (const e of edits) equal(e.newText, 'navhandbook2019');
    try {
      ok(await vscode.workspace.applyEdit(edit), 'applyEdit');
      for (const uri of files) {
        const d = await vscode.workspace.openTextDocument(uri);
        ok(!d.getText().includes('navbook2019'), `${relative(uri)} still has the old key`);
        includes(d.getText(), 'navhandbook2019');
        ok(await d.save(), `save ${relative(uri)}`);
      }
      const saved = await Promise.all(files.map(readBytes));
      files.forEach((f, i) => ok(!sameBytes(original[i], saved[i]), `${relative(f)} not written`));
      await eventually(async () => (await hasKey(api, 'navhandbook2019')) && !(await hasKey(api, 'navbook2019')), 15_000, 'the library follows the rename');

      // VS Code's own undo, in each changed document's editor (one undo may revert every file).
      for (const uri of files) {
        const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
        if (editor.document.getText().includes('navhandbook2019')) await vscode.commands.executeCommand('undo');
      }
      for (const uri of files) {
        const d = await vscode.workspace.openTextDocument(uri);
        ok(!d.getText().includes('navhandbook2019'), `${relative(uri)} not undone`);
        if (d.isDirty) ok(await d.save(), `save ${relative(uri)}`);
      }
      const restored = await Promise.all(files.map(readBytes));
      files.forEach((f, i) => ok(sameBytes(original[i], restored[i]), `${relative(f)} differs after undo`));
      await eventually(async () => (await hasKey(api, 'navbook2019')) && !(await hasKey(api, 'navhandbook2019')), 15_000, 'the library follows the undo');
    } finally {
      // Leave the fixture as it was whatever happened.
      for (let i = 0; i < files.length; i++) {
        if (!sameBytes(original[i], await readBytes(files[i]))) await vscode.workspace.fs.writeFile(files[i], original[i]);
      }
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  }, { timeout: 60_000 });
});

suite('document links and symbols', () => {
  before(async () => {
    api = await citelens();
  });

  test('\\bibliography{nav} and YAML bibliography: link to the .bib', async () => {
    for (const [uri, text] of [
      [mainTex(), 'nav'],
      [citesMd(), 'nav.bib'],
    ] as const) {
      const links = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', uri, 100);
      const ours = links.filter((l) => l.target?.path.endsWith('/nav/nav.bib'));
      equal(ours.length, 1, `${relative(uri)}: ${JSON.stringify(links.map((l) => l.target?.toString()))}`);
      equal(await textAt(uri, ours[0].range), text);
      equal(ours[0].target!.path, bib().path);
    }
  });

  test('the outline of a .bib: one symbol per entry, key and @type — title', async () => {
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', bib());
    deepEqual(symbols.map((s) => s.name), ['navbook2019', 'navchapter2019', 'navseries', 'navarticle2020', 'navtwice2021', 'navtwice2021']);
    equal(symbols[0].detail, "@book — The Navigator's Handbook");
    equal(symbols[1].detail, '@inbook — Charting Fixture Waters');
    equal(await textAt(bib(), symbols[3].selectionRange), 'navarticle2020');
    const whole = await textAt(bib(), symbols[3].range);
    ok(whole.startsWith('@article{navarticle2020') && whole.endsWith('}'), whole);
  });

  test('workspace symbols find papers by title, author and key', async () => {
    const find = async (query: string) => (await vscode.commands.executeCommand<vscode.SymbolInformation[]>('vscode.executeWorkspaceSymbolProvider', query)).filter((s) => s.location.uri.path.endsWith('/nav/nav.bib'));
    const byTitle = await find("navigator's handbook");
    ok(byTitle.length > 0, 'nothing found by title');
    ok(byTitle[0].name.startsWith('navbook2019'), byTitle[0].name);
    includes(byTitle[0].name, "The Navigator's Handbook");
    equal(await textAt(byTitle[0].location.uri, byTitle[0].location.range), 'navbook2019');
    ok((await find('compass')).some((s) => s.name.startsWith('navarticle2020')), 'author');
    ok((await find('navtwice2021')).some((s) => s.name.startsWith('navtwice2021')), 'key');
  });
});
