/**
 * Collections change while VS Code runs: created, changed, deleted, unsaved edits, a broken
 * entry. Completion must follow, and problems must show as diagnostics.
 */
import { hasKey, paperOf } from '../catalog';
import * as vscode from 'vscode';
import { equal, eventually, ok } from '../assert';
import { before, suite, test } from '../harness';
import { citelens, completeAt, removeQuietly, workspaceUri, writeText } from './util';

async function offers(query: string, key: string): Promise<boolean> {
  return (await completeAt('latex', `\\cite{${query}|`)).labels.includes(key);
}

suite('collections follow the files', () => {
  before(async () => {
    await citelens();
  });

  test('a .bib created, changed and deleted changes what completion offers', async () => {
    const uri = workspaceUri('tmp-churn.bib');
    try {
      await writeText(uri, '@article{churnfirst2026,\n  title = {Churning Collections},\n  author = {Churn, Carla},\n  year = {2026}\n}\n');
      await eventually(() => offers('churn', 'churnfirst2026'), 15_000, 'the new entry offered');
      await writeText(uri, '@article{churnsecond2027,\n  title = {Churning Collections Again},\n  author = {Churn, Carla},\n  year = {2027}\n}\n');
      await eventually(() => offers('churn', 'churnsecond2027'), 15_000, 'the changed entry offered');
      ok(!(await offers('churn', 'churnfirst2026')), 'the old key is still offered');
      await vscode.workspace.fs.delete(uri);
      await eventually(async () => !(await offers('churn', 'churnsecond2027')), 15_000, 'the deleted entry gone');
    } finally {
      await removeQuietly(uri);
    }
  }, { timeout: 60_000 });

  test('a folder deleted with its .bib inside takes the entries with it (VS Code reports only the folder)', async () => {
    const folder = workspaceUri('tmp-gone-folder');
    const uri = workspaceUri('tmp-gone-folder', 'inner', 'gone.bib');
    try {
      await writeText(uri, '@article{vanishingfolder2026,\n  title = {Vanishing Folders},\n  author = {Gone, Gina},\n  year = {2026}\n}\n');
      await eventually(() => offers('vanishing', 'vanishingfolder2026'), 15_000, 'the entry offered');
      await vscode.workspace.fs.delete(folder, { recursive: true });
      await eventually(async () => !(await offers('vanishing', 'vanishingfolder2026')), 15_000, 'the entry gone with its folder');
    } finally {
      await removeQuietly(folder);
    }
  }, { timeout: 40_000 });

  test('a folder moved into the workspace with a .bib inside is read (VS Code may report only the folder)', async () => {
    const outside = vscode.Uri.joinPath(workspaceUri(), '..', `citelens-outside-${Date.now()}`);
    const inside = workspaceUri('tmp-arrived-folder');
    try {
      await writeText(vscode.Uri.joinPath(outside, 'nested', 'arrived.bib'), '@article{arrivedfolder2026,\n  title = {Folders That Arrive Whole},\n  author = {Moved, Mo},\n  year = {2026}\n}\n');
      await vscode.workspace.fs.rename(outside, inside);
      await eventually(() => offers('arrive whole', 'arrivedfolder2026'), 15_000, 'the moved-in entry offered');
    } finally {
      await removeQuietly(inside);
      await removeQuietly(outside);
    }
  }, { timeout: 40_000 });

  test('a CSL YAML collection named by a Markdown document: completion, hover, no false problem', async () => {
    const refs = workspaceUri('tmp-csl-refs.yaml');
    const docUri = workspaceUri('tmp-csl-yaml.md');
    try {
      await writeText(refs, 'references:\n- id: yamlknuth1984\n  type: article-journal\n  author:\n  - family: Knuth\n    given: Donald\n  title: Literate Programming From YAML\n  issued:\n    date-parts:\n    - [1984]\n');
      await writeText(docUri, '---\nbibliography: tmp-csl-refs.yaml\n---\n\nSee @yamlknuth1984 and [@yamlknuth1984].\n');
      const doc = await vscode.workspace.openTextDocument(docUri);
      await vscode.window.showTextDocument(doc);
      const at = doc.getText().indexOf('@yamlknuth1984') + 5;
      await eventually(async () => {
        const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', docUri, doc.positionAt(at));
        return hovers.flatMap((h) => h.contents).map((c) => (typeof c === 'string' ? c : c.value)).join('\n').includes('Literate Programming From YAML');
      }, 15_000, 'the hover shows the YAML item');
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', docUri, doc.positionAt(at));
      ok(list.items.some((i) => (typeof i.label === 'string' ? i.label : i.label.label) === 'yamlknuth1984'), 'completion offers the YAML item');
      await new Promise((r) => setTimeout(r, 1000));
      const problems = vscode.languages.getDiagnostics(docUri).filter((d) => d.source === 'CiteLens');
      equal(problems.map((d) => d.message).join('; '), '', 'no problem in the document');
      equal(vscode.languages.getDiagnostics(refs).filter((d) => d.source === 'CiteLens' && d.severity === vscode.DiagnosticSeverity.Error).length, 0, 'the YAML file reads cleanly');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await removeQuietly(docUri);
      await removeQuietly(refs);
    }
  }, { timeout: 40_000 });

  test('an edit to one entry re-reads only that part: the other entries stay the same objects, moved', async () => {
    const uri = workspaceUri('tmp-incremental.bib');
    const entry = (i: number, title: string) => `@article{incr${i},\n  title = {${title}},\n  author = {Incremental, Ida},\n  year = {2020}\n}\n`;
    const entries = Array.from({ length: 40 }, (_, i) => entry(i, `Steady Paper Number ${i}`));
    try {
      const api = await citelens();
      await writeText(uri, entries.join('\n'));
      await eventually(() => hasKey(api, 'incr39'), 15_000, 'the collection read');
      const before = (await paperOf(api, 'incr30'))!;
      const lineBefore = before.location.key.line;
      entries[10] = entry(10, 'A Much Longer Title With Quokkas\nOn Two Lines');
      await writeText(uri, entries.join('\n'));
      await eventually(() => offers('quokkas', 'incr10'), 15_000, 'the edited title searchable');
      const after = (await paperOf(api, 'incr30'))!;
      // The catalog's paper object is kept (its stamp changes whenever it is built again).
      equal(after.stamp, before.stamp, 'an entry after the edit is the same paper (not re-read)');
      equal(after.location.key.line, lineBefore + 1, 'and it moved with the text');
      const doc = await vscode.workspace.openTextDocument(uri);
      const k = after.location.key;
      equal(doc.getText(new vscode.Range(k.line, k.column, k.endLine, k.endColumn)), 'incr30');
      ok(!(await offers('steady paper number 10', 'incr10')), 'the old title is gone');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await removeQuietly(uri);
    }
  }, { timeout: 60_000 });

  test('edits to an open .bib reach the catalog as changes, not the whole text, and give what its text gives', async () => {
    const uri = workspaceUri('tmp-edits.bib');
    const entry = (key: string, title: string) => `@misc{${key},\r\n  title = {${title}},\r\n  year = {2020}\r\n}\r\n`;
    try {
      const api = await citelens();
      await writeText(uri, entry('editsfirst', 'Édition Première') + entry('editssecond', 'Second Thoughts'));
      await eventually(() => hasKey(api, 'editssecond'), 15_000, 'the collection read');
      const doc = await vscode.workspace.openTextDocument(uri);
      const sent = { ...api.collections.documentReadings };
      // Three edits, one of them two changes in one event (as multi-cursor typing gives).
      let edit = new vscode.WorkspaceEdit();
      edit.insert(uri, doc.positionAt(doc.getText().length), entry('editsthird', 'Third Time Lucky'));
      ok(await vscode.workspace.applyEdit(edit));
      await eventually(() => offers('lucky', 'editsthird'), 15_000, 'the typed entry offered');
      const afterFirst = JSON.stringify(api.collections.documentReadings);
      edit = new vscode.WorkspaceEdit();
      const text = doc.getText();
      edit.replace(uri, new vscode.Range(doc.positionAt(text.indexOf('Première')), doc.positionAt(text.indexOf('Première') + 'Première'.length)), 'Révisée');
      edit.replace(uri, new vscode.Range(doc.positionAt(text.indexOf('Thoughts')), doc.positionAt(text.indexOf('Thoughts') + 'Thoughts'.length)), 'Opinions');
      ok(await vscode.workspace.applyEdit(edit));
      await eventually(async () => (await offers('opinions', 'editssecond')) && (await offers('révisée', 'editsfirst')), 15_000, 'both changes of one edit applied');
      ok(!(await offers('thoughts', 'editssecond')), 'the replaced title is gone');
      ok(api.collections.documentReadings.edits > sent.edits, 'the edits went as changes');
      equal(api.collections.documentReadings.texts, sent.texts, `no whole text was sent (before ${JSON.stringify(sent)}, after the first edit ${afterFirst})`);
      // What the catalog holds is what the document's text gives: every key, placed where the text has it.
      const paper = (await paperOf(api, 'editsthird'))!;
      const k = paper.location.key;
      equal(doc.getText(new vscode.Range(k.line, k.column, k.endLine, k.endColumn)), 'editsthird');
      equal((await paperOf(api, 'editsfirst'))!.title, 'Édition Révisée');
    } finally {
      const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      if (open?.isDirty) {
        await vscode.window.showTextDocument(open);
        await vscode.commands.executeCommand('workbench.action.files.revert');
      }
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await removeQuietly(uri);
    }
  }, { timeout: 60_000 });

  test('unsaved edits in an open .bib count', async () => {
    const uri = workspaceUri('tmp-unsaved.bib');
    try {
      await writeText(uri, '@misc{unsavedbase2020, title = {Base}}\n');
      await eventually(() => offers('unsavedbase', 'unsavedbase2020'), 15_000, 'the saved entry');
      const doc = await vscode.workspace.openTextDocument(uri);
      const edit = new vscode.WorkspaceEdit();
      edit.insert(uri, doc.positionAt(doc.getText().length), '@misc{unsavedextra2021, title = {Typed but not saved}}\n');
      ok(await vscode.workspace.applyEdit(edit));
      ok(doc.isDirty, 'the document should be dirty');
      await eventually(() => offers('unsavedextra', 'unsavedextra2021'), 15_000, 'the unsaved entry offered');
      // Revert: the file on disk is the truth again.
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.files.revert');
      await eventually(async () => !(await offers('unsavedextra', 'unsavedextra2021')), 15_000, 'the reverted entry gone');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await removeQuietly(uri);
    }
  }, { timeout: 60_000 });

  test('a .bib with a broken entry still offers the other entries, and its problems are diagnostics', async () => {
    const uri = workspaceUri('tmp-broken.bib');
    const text = [
      '@article{brokenbefore2020,',
      '  title = {Before the Broken One},',
      '  year = {2020}',
      '}',
      '',
      '@article{brokenmiddle2021,',
      '  title = {Never Closed,',
      '  year = {2021}',
      '',
      '@article{brokenafter2022,',
      '  title = {After the Broken One},',
      '  year = {2022}',
      '}',
      '',
    ].join('\n');
    try {
      await writeText(uri, text);
      await eventually(() => offers('brokenafter', 'brokenafter2022'), 15_000, 'the entry after the broken one');
      ok(await offers('brokenbefore', 'brokenbefore2020'), 'the entry before the broken one');
      const diagnostics = await eventually(() => {
        const d = vscode.languages.getDiagnostics(uri);
        return d.length ? d : undefined;
      }, 15_000, 'diagnostics on the broken file');
      const error = diagnostics!.find((d) => d.severity === vscode.DiagnosticSeverity.Error);
      ok(error, 'no error diagnostic');
      equal(error.range.start.line, 6, 'the error is on the unclosed title');
      ok(/never closed/.test(error.message), error.message);
      equal(diagnostics!.length, 1, 'one problem, one diagnostic');
      equal(error.source, 'CiteLens');
    } finally {
      await removeQuietly(uri);
    }
    await eventually(() => vscode.languages.getDiagnostics(uri).length === 0, 15_000, 'diagnostics cleared after deletion');
  }, { timeout: 60_000 });

  test('one NUL inside a title costs nothing: every entry is offered, with one warning at the NUL', async () => {
    const uri = workspaceUri('tmp-nul.bib');
    const entry = (key: string, title: string) => `@article{${key},\n  title = {${title}},\n  author = {Nul, Nora},\n  year = {2021}\n}\n`;
    try {
      await writeText(uri, [entry('nulfirst2021', 'First'), entry('nulsecond2021', 'Sec\0ond'), entry('nulthird2021', 'Third')].join('\n'));
      await eventually(() => offers('nulthird', 'nulthird2021'), 15_000, 'the entry after the NUL');
      ok(await offers('nulfirst', 'nulfirst2021'), 'the first entry');
      ok(await offers('nulsecond', 'nulsecond2021'), 'the entry holding the NUL');
      const diagnostics = await eventually(() => {
        const d = vscode.languages.getDiagnostics(uri);
        return d.length ? d : undefined;
      }, 15_000, 'a diagnostic for the NUL');
      equal(diagnostics!.length, 1, diagnostics!.map((d) => d.message).join('\n'));
      equal(diagnostics![0].severity, vscode.DiagnosticSeverity.Warning);
      equal(diagnostics![0].range.start.line, 7, 'at the NUL in the second title');
      ok(/NUL character \(U\+0000\) in its field 'title'/.test(diagnostics![0].message), diagnostics![0].message);
    } finally {
      await removeQuietly(uri);
    }
  }, { timeout: 60_000 });

  test('a binary file named .bib is refused with one problem on the file, and read once it holds text', async () => {
    const uri = workspaceUri('tmp-binary.bib');
    // A PNG signature, then machine data with an entry's text inside: read as text, it would offer the entry.
    const bytes = new Uint8Array(4096);
    bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    let seed = 12345;
    for (let i = 8; i < bytes.length; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      bytes[i] = seed >> 16;
    }
    bytes.set(new TextEncoder().encode('\n@misc{binaryhidden2020, title = {Hidden in Binary}}\n'), 2048);
    try {
      await vscode.workspace.fs.writeFile(uri, bytes);
      const diagnostics = await eventually(() => {
        const d = vscode.languages.getDiagnostics(uri);
        return d.length ? d : undefined;
      }, 15_000, 'a problem on the binary file');
      equal(diagnostics!.length, 1, diagnostics!.map((d) => d.message).join('\n'));
      ok(/cannot read this collection: it is a binary file/.test(diagnostics![0].message), diagnostics![0].message);
      ok(!(await offers('binaryhidden', 'binaryhidden2020')), 'an entry inside binary data is offered');
      await writeText(uri, '@misc{binarynowtext2020, title = {Now Text}}\n');
      await eventually(() => offers('binarynowtext', 'binarynowtext2020'), 15_000, 'the file read once it is text');
      await eventually(() => vscode.languages.getDiagnostics(uri).length === 0, 15_000, 'the problem gone once it is text');
    } finally {
      await removeQuietly(uri);
    }
    await eventually(() => vscode.languages.getDiagnostics(uri).length === 0, 15_000, 'diagnostics cleared after deletion');
  }, { timeout: 60_000 });
});
