/**
 * Typst documents and Hayagriva collections through VS Code's own commands, on the typst/
 * fixture project (main.typ including chapters/one.typ, naming works.yml and refs.bib;
 * notes.md citing from works.yml): the `typst` language, completion after `@`, in
 * `cite(<` and `label("`, hover, definition, references across .typ and .md, rename to
 * `label("…")` forms, diagnostics that know the project's labels, links, insert citation.
 * Runs in both hosts.
 */
import { hasKey, paperOf } from '../catalog';
import * as vscode from 'vscode';
import { deepEqual, equal, eventually, includes, match, ok } from '../assert';
import { before, suite, test } from '../harness';
import { citelens, completeAt, hoverAt, positionOf, removeQuietly, workspaceUri, writeText } from './util';
import type { CiteLensApi } from '../../../src/extension';

let api: CiteLensApi;

const mainTyp = () => workspaceUri('typst', 'main.typ');
const chapterTyp = () => workspaceUri('typst', 'chapters', 'one.typ');
const notesMd = () => workspaceUri('typst', 'notes.md');

function relative(uri: vscode.Uri): string {
  return vscode.workspace.asRelativePath(uri, false);
}

function citationProblems(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'CiteLens' && (d.code === 'undefined-key' || d.code === 'case-mismatch'));
}

suite('Typst', () => {
  before(async () => {
    api = await citelens();
    // The Hayagriva file is read because main.typ names it.
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(mainTyp()));
    await eventually(async () => (await hasKey(api, 'kinetics')) && (await hasKey(api, 'typstbib2024')), 15_000, 'works.yml and refs.bib indexed');
  });

  test('.typ files get the typst language (contributed when no other extension does)', async () => {
    const doc = await vscode.workspace.openTextDocument(mainTyp());
    equal(doc.languageId, 'typst');
  });

  test('completion after @ searches the library (Hayagriva and BibTeX entries)', async () => {
    const { labels } = await completeAt('typst', 'Polaritons @polariton|');
    equal(labels[0], 'kinetics');
    const bib = await completeAt('typst', 'See @typesetting|');
    equal(bib.labels[0], 'typstbib2024');
    const empty = await completeAt('typst', 'See @|');
    ok(empty.labels.length > 0, 'newest papers for a bare @');
  });

  test('citelens.typst.completion: off leaves Typst completion to others; auto completes when tinymist is absent', async () => {
    const config = vscode.workspace.getConfiguration('citelens');
    ok(vscode.extensions.getExtension('myriad-dreamin.tinymist') === undefined, 'tinymist is not installed here');
    try {
      await config.update('typst.completion', 'off', vscode.ConfigurationTarget.Global);
      deepEqual((await completeAt('typst', 'Polaritons @polariton|')).labels, []);
      await config.update('typst.completion', 'auto', vscode.ConfigurationTarget.Global);
      equal((await completeAt('typst', 'Polaritons @polariton|')).labels[0], 'kinetics');
    } finally {
      await config.update('typst.completion', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  test('completion in #cite(< and in label(" inside cite; none in comments, raw or strings', async () => {
    const cite = await completeAt('typst', '#cite(<potter|');
    equal(cite.labels[0], 'harry');
    const label = await completeAt('typst', '#cite(label("texbook knuth|"))');
    equal(label.labels[0], 'DBLP:books/lib/Knuth86a');
    for (const marked of ['// @polariton|', '`@polariton|`', '#let s = "@polariton|"', 'mail me@polariton|']) {
      deepEqual((await completeAt('typst', marked)).labels, [], marked);
    }
  });

  test('a key that a label cannot hold is inserted as #cite(label("…")) in place of the @', async () => {
    const { items, doc } = await completeAt('typst', 'As in @texbook|');
    const item = items.find((i) => (typeof i.label === 'string' ? i.label : i.label.label) === 'DBLP:books/lib/Knuth86a');
    ok(item, 'the DBLP key is offered');
    equal(item.insertText, '#cite(label("DBLP:books/lib/Knuth86a"))');
    const range = item.range as vscode.Range;
    equal(doc.getText(range), '@texbook');
  });

  test('hover on @key shows the Hayagriva entry; a label of the document shows nothing', async () => {
    const text = await hoverAt('typst', 'Polaritons @kine|tics.');
    match(text, /Kinetics and luminescence/);
    match(text, /Physical Review B/);
    const label = await hoverAt('typst', '= Intro <intro>\nSee @int|ro.');
    equal(label, '');
  });

  test('go to definition: from @key to the key in works.yml, from label("…") too', async () => {
    const doc = await vscode.workspace.openTextDocument(mainTyp());
    for (const [needle, key, line] of [['@kinetics', 'kinetics', 9], ['DBLP:books', 'DBLP:books/lib/Knuth86a', 25]] as const) {
      const found = await vscode.commands.executeCommand<Array<vscode.Location | vscode.LocationLink>>('vscode.executeDefinitionProvider', doc.uri, positionOf(doc, needle, 3));
      equal(found.length, 1, needle);
      const l = found[0];
      const uri = 'targetUri' in l ? l.targetUri : l.uri;
      const range = 'targetUri' in l ? l.targetSelectionRange ?? l.targetRange : l.range;
      equal(relative(uri), 'typst/works.yml');
      equal((await vscode.workspace.openTextDocument(uri)).getText(range), key);
      equal(range.start.line, line);
    }
  });

  test('go to definition on a reference to a label: to <label> in the same file or an included one', async () => {
    const doc = await vscode.workspace.openTextDocument(mainTyp());
    for (const [needle, file, line] of [['@methods', 'typst/chapters/one.typ', 0], ['@intro', 'typst/main.typ', 3]] as const) {
      const found = await vscode.commands.executeCommand<Array<vscode.Location | vscode.LocationLink>>('vscode.executeDefinitionProvider', doc.uri, positionOf(doc, needle, 3));
      equal(found.length, 1, needle);
      const l = found[0];
      const uri = 'targetUri' in l ? l.targetUri : l.uri;
      const range = 'targetUri' in l ? l.targetSelectionRange ?? l.targetRange : l.range;
      equal(relative(uri), file, needle);
      equal(range.start.line, line, needle);
      equal((await vscode.workspace.openTextDocument(uri)).getText(range), needle.slice(1));
    }
  });

  test('find all references across .typ and .md documents, with the declaration', async () => {
    const doc = await vscode.workspace.openTextDocument(mainTyp());
    const found = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', doc.uri, positionOf(doc, '@kinetics', 3));
    const out: string[] = [];
    // Untitled documents of other tests may cite the key too; the project's files are compared.
    for (const l of found.filter((f) => f.uri.scheme !== 'untitled')) out.push(`${relative(l.uri)}:${l.range.start.line}:${(await vscode.workspace.openTextDocument(l.uri)).getText(l.range)}`);
    deepEqual(out.sort(), ['typst/chapters/one.typ:2:kinetics', 'typst/main.typ:5:kinetics', 'typst/notes.md:4:kinetics', 'typst/works.yml:9:kinetics']);
  });

  test('rename to a key a label cannot hold: @key becomes #cite(label("…")), the supplement kept; the .yml key and Markdown follow', async () => {
    const doc = await vscode.workspace.openTextDocument(mainTyp());
    const edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit>('vscode.executeDocumentRenameProvider', doc.uri, positionOf(doc, '@kinetics', 3), 'kinetics/2020');
    const changes = new Map(edit.entries().filter(([uri]) => uri.scheme !== 'untitled').map(([uri, edits]) => [relative(uri), edits.map((e) => e.newText)]));
    deepEqual(changes.get('typst/main.typ'), ['#cite(label("kinetics/2020"))']);
    deepEqual(changes.get('typst/chapters/one.typ'), ['#cite(label("kinetics/2020"), supplement: [p. 3])']);
    deepEqual(changes.get('typst/works.yml'), ['kinetics/2020']);
    deepEqual(changes.get('typst/notes.md'), ['kinetics/2020']);
    const plain = await vscode.commands.executeCommand<vscode.WorkspaceEdit>('vscode.executeDocumentRenameProvider', doc.uri, positionOf(doc, '@kinetics', 3), 'kinetics2020');
    deepEqual(plain.entries().filter(([uri]) => uri.scheme !== 'untitled').flatMap(([, edits]) => edits.map((e) => e.newText)), ['kinetics2020', 'kinetics2020', 'kinetics2020', 'kinetics2020']);
  });

  test('diagnostics: an undefined key is flagged; labels of the project (@intro, @methods, @fig:setup) are references, not undefined keys', async () => {
    const main = await vscode.workspace.openTextDocument(mainTyp());
    await vscode.window.showTextDocument(main);
    const problems = await eventually(() => {
      const found = citationProblems(main.uri);
      return found.length ? found : undefined;
    }, 15_000, 'problems in main.typ');
    deepEqual(problems!.map((d) => main.getText(d.range)), ['nosuchtypstkey']);
    match(problems![0].message, /nosuchtypstkey/);
    const chapter = await vscode.workspace.openTextDocument(chapterTyp());
    await vscode.window.showTextDocument(chapter);
    // Give the check time to run: the chapter cites only defined keys and labels.
    await new Promise((r) => setTimeout(r, 1500));
    deepEqual(citationProblems(chapter.uri).map((d) => chapter.getText(d.range)), []);
    // Typing a new undefined key into the chapter is flagged (scope: main.typ's collections).
    const editor = await vscode.window.showTextDocument(chapter);
    ok(await editor.edit((b) => b.insert(chapter.positionAt(chapter.getText().length), '\nAlso @typonotthere.\n')), 'edit');
    await eventually(() => citationProblems(chapter.uri).some((d) => chapter.getText(d.range) === 'typonotthere'), 15_000, 'the new key flagged');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('quick fix: an undefined key is replaced by the nearest one; a key a label cannot hold as #cite(label("…"))', async () => {
    // A file with a bibliography: without one, Typst's `@name` refers to labels and is not checked.
    const uri = workspaceUri('typst', 'fix.typ');
    await writeText(uri, 'See @kinetcs and @smith.2020 here.\n#bibliography("works.yml")\n');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const problems = await eventually(() => {
      const found = citationProblems(doc.uri);
      return found.length === 2 ? found : undefined;
    }, 15_000, 'two undefined keys');
    const fixesFor = async (d: vscode.Diagnostic) => {
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, d.range);
      return actions.filter((a) => a.edit).map((a) => a.edit!.entries().flatMap(([, edits]) => edits.map((e) => `${doc.getText(e.range)}→${e.newText}`))[0]);
    };
    const byKey = new Map(problems!.map((d) => [doc.getText(d.range), d]));
    includes(await fixesFor(byKey.get('kinetcs')!), 'kinetcs→kinetics');
    // The nearest key of `smith.2020` is `smith/2020` (works.yml), which `@` cannot hold.
    ok(byKey.has('smith.2020'), [...byKey.keys()].join(', '));
    includes(await fixesFor(byKey.get('smith.2020')!), '@smith.2020→#cite(label("smith/2020"))');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await removeQuietly(uri);
  }, { timeout: 30_000 });

  test('document links on #bibliography paths', async () => {
    const doc = await vscode.workspace.openTextDocument(mainTyp());
    const links = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', doc.uri);
    const targets = links.filter((l) => l.target).map((l) => `${doc.getText(l.range)}→${relative(l.target!)}`);
    deepEqual(targets.sort(), ['refs.bib→typst/refs.bib', 'works.yml→typst/works.yml']);
  });

  test('insert citation: @key, and #cite(label("…")) for a key a label cannot hold', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'typst', content: 'As shown in .' });
    // After the space: no space is added before the citation.
    const editor = await vscode.window.showTextDocument(doc);
    const at = doc.positionAt('As shown in '.length);
    editor.selection = new vscode.Selection(at, at);
    await vscode.commands.executeCommand('citelens.insertCitation', ['harry', 'DBLP:books/lib/Knuth86a']);
    equal(doc.getText(), 'As shown in @harry #cite(label("DBLP:books/lib/Knuth86a")).');
    await vscode.commands.executeCommand('undo');
    equal(doc.getText(), 'As shown in .');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('a named Hayagriva file changed on disk (not open in an editor) is read again', async () => {
    const yml = workspaceUri('typst', 'extra.yml');
    const typ = workspaceUri('typst', 'extra.typ');
    try {
      await writeText(yml, 'extrafirst:\n    type: Book\n    title: First version\n');
      await writeText(typ, 'See @extrafirst.\n#bibliography("extra.yml")\n');
      await vscode.workspace.openTextDocument(typ);
      await eventually(async () => (await hasKey(api, 'extrafirst')), 15_000, 'extra.yml read once extra.typ is open');
      await writeText(yml, 'extrasecond:\n    type: Book\n    title: Second version\n');
      await eventually(async () => (await hasKey(api, 'extrasecond')) && !(await hasKey(api, 'extrafirst')), 15_000, 'extra.yml read again after the change on disk');
    } finally {
      await removeQuietly(typ);
      await removeQuietly(yml);
    }
  }, { timeout: 40_000 });

  test('a chapter opened alone sees the Hayagriva file its main file names (read at start and on re-reading)', async () => {
    const main = workspaceUri('typst2', 'thesis.typ');
    const chapter = workspaceUri('typst2', 'chapter.typ');
    const yml = workspaceUri('typst2', 'sources.yml');
    try {
      await writeText(yml, 'chapteronly2026:\n    type: Book\n    title: Only named by the main file\n');
      await writeText(chapter, 'As @chapteronly2026 shows, and @missingchapterkey.\n');
      await writeText(main, '#include "chapter.typ"\n#bibliography("sources.yml")\n');
      // Not opened: the re-reading (as the first scan at start) finds the Typst documents' collections.
      await vscode.commands.executeCommand('citelens.reindex');
      await eventually(async () => (await hasKey(api, 'chapteronly2026')), 15_000, 'sources.yml read without opening thesis.typ');
      const doc = await vscode.workspace.openTextDocument(chapter);
      await vscode.window.showTextDocument(doc);
      const problems = await eventually(() => {
        const found = citationProblems(chapter);
        return found.length ? found : undefined;
      }, 15_000, 'problems in chapter.typ');
      deepEqual(problems!.map((d) => doc.getText(d.range)), ['missingchapterkey']);
      match(problems![0].message, /sources\.yml/);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    } finally {
      await removeQuietly(main);
      await removeQuietly(chapter);
      await removeQuietly(yml);
      await removeQuietly(workspaceUri('typst2'));
    }
  }, { timeout: 40_000 });

  test('the Hayagriva file: problems of a broken entry, and its outline', async () => {
    const uri = workspaceUri('typst', 'works.yml');
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', uri);
    includes(symbols.map((s) => s.name), 'kinetics');
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    ok(await editor.edit((b) => b.insert(doc.positionAt(doc.getText().length), '\nbroken:\n    title: "unterminated\n')), 'edit');
    const problems = await eventually(() => {
      const found = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'CiteLens');
      return found.length ? found : undefined;
    }, 15_000, 'a YAML problem');
    match(problems![0].message, /broken/);
    ok((await hasKey(api, 'kinetics')) && (await hasKey(api, 'harry')), 'the other entries stay');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
