/**
 * The packaged extension, as users get it: CiteLens is the copy `code-server
 * --install-extension` put into the run's fresh extensions dir (not the repository), it holds
 * only the allow-listed files, and completion works from it. Run by the VSIX stage only
 * (index.vsix.ts); the probe development extension tells where the copy must be.
 */
import { hasKey, paperOf } from '../catalog';
import * as vscode from 'vscode';
import { deepEqual, equal, ok } from '../assert';
import { before, suite, test } from '../harness';
import { citelens, completeAt } from './util';

const EXTENSION_ID = 'citelens.citelens';
const PROBE_ID = 'citelens-test.citelens-vsix-probe';

interface Expect {
  extensionsDir: string;
  repoRoot: string;
  version: string;
}

let expect: Expect;

function isInside(child: string, parent: string): boolean {
  const p = parent.endsWith('/') ? parent : parent + '/';
  return child === parent || child.startsWith(p);
}

suite('installed VSIX', () => {
  before(async () => {
    const probe = vscode.extensions.getExtension(PROBE_ID);
    ok(probe, `the probe extension ${PROBE_ID} is missing`);
    expect = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(probe.extensionUri, 'expect.json')))) as Expect;
  });

  test('CiteLens is the copy installed in the fresh extensions dir, not the repository', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    ok(ext, `${EXTENSION_ID} is not installed`);
    ok(isInside(ext.extensionPath, expect.extensionsDir), `extensionPath ${ext.extensionPath} is not inside ${expect.extensionsDir}`);
    ok(!isInside(ext.extensionPath, expect.repoRoot), `extensionPath ${ext.extensionPath} is the repository`);
    equal(ext.packageJSON.version, expect.version, 'installed version');
    equal(ext.extensionKind, vscode.ExtensionKind.Workspace, 'extension kind (the Node host)');
  });

  test('the installed copy holds only the allow-listed files', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const names = (await vscode.workspace.fs.readDirectory(ext.extensionUri)).map(([name]) => name).sort();
    // code-server adds its own .vsixmanifest when it installs.
    const allowed = new Set(['.vsixmanifest', 'CHANGELOG.md', 'LICENSE.txt', 'README.md', 'changelog.md', 'dist', 'media', 'package.json', 'readme.md']);
    deepEqual(names.filter((n) => !allowed.has(n)), [], 'files outside the allow-list');
    for (const must of ['dist', 'media', 'package.json']) ok(names.includes(must), `${must} missing from the installed copy`);
    const dist = (await vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(ext.extensionUri, 'dist'))).map(([name]) => name);
    ok(dist.includes('extension.js') && dist.includes('browser.js'), `dist holds ${dist.join(', ')}`);
    ok(!dist.some((n) => n.endsWith('.map')), 'source maps shipped');
    const media = (await vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(ext.extensionUri, 'media'))).map(([name]) => name);
    ok(media.includes('icon.png'), 'icon missing');
  });

  test('completion from the installed copy', async () => {
    const api = await citelens();
    ok(api.collections.status.papers >= 100, `only ${api.collections.status.papers} papers indexed`);
    const { labels } = await completeAt('latex', 'As shown \\citep[see][p.~3]{kirchhof|');
    equal(labels[0], 'kirchhof2024pretrained');
    const md = await completeAt('markdown', 'Blind spots [@explor|');
    ok(md.labels.length > 0, 'no Markdown completion');
  }, { timeout: 60_000 });
});
