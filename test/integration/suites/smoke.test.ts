/**
 * Smoke suite: the extension is installed for development and activates when a LaTeX
 * document of the test workspace is opened. Runs in both extension hosts.
 */
import * as vscode from 'vscode';
import { equal, eventually, ok } from '../assert';
import { suite, test } from '../harness';

/** Set by scripts/build-tests.js: 'node' for index.js, 'web' for index.web.js. */
declare const CITELENS_TEST_HOST: 'node' | 'web';

const EXTENSION_ID = 'citelens.citelens';

suite('smoke', () => {
  test('runs in the expected extension host', () => {
    const g = globalThis as { process?: { versions?: { node?: string } }; importScripts?: unknown };
    const kind = typeof g.process?.versions?.node === 'string' ? 'node' : typeof g.importScripts === 'function' ? 'web' : 'unknown';
    equal(kind, CITELENS_TEST_HOST, 'extension host kind');
  });

  test('a workspace folder is open', () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    ok(folders.length > 0, 'no workspace folder');
  });

  test(`extension ${EXTENSION_ID} is present`, () => {
    ok(vscode.extensions.getExtension(EXTENSION_ID), `extension ${EXTENSION_ID} not found`);
  });

  test('activates when a .tex file is opened', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    ok(ext, `extension ${EXTENSION_ID} not found`);
    const [texUri] = await vscode.workspace.findFiles('**/*.tex', '**/node_modules/**', 1);
    ok(texUri, 'no .tex file in the workspace');
    const doc = await vscode.workspace.openTextDocument(texUri);
    await vscode.window.showTextDocument(doc);
    equal(doc.languageId, 'latex', 'language of the .tex document');
    // The activation event (e.g. onLanguage:latex) must activate it by itself: no activate() call yet.
    await eventually(() => ext.isActive, 15_000, `activation of ${EXTENSION_ID} after opening ${texUri.path}`);
    // Activation completed without throwing; activate() now returns the same exports.
    await ext.activate();
    ok(ext.isActive);
  }, { timeout: 30_000 });
});
