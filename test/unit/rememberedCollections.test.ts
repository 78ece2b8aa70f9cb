/** The list of collections kept between sessions (src/core/rememberedCollections.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rememberedFor, rememberedName } from '../../src/core/rememberedCollections';

const thenFolders = ['vscode-remote://localhost:8080/home/ada/paper'];
const todayFolders = ['vscode-remote://localhost:9191/home/ada/paper'];

test('the same folders on another port have the same name and their collections follow the new port', () => {
  assert.equal(rememberedName(thenFolders), rememberedName(todayFolders));
  assert.notEqual(rememberedName(thenFolders), rememberedName(['vscode-remote://localhost:8080/home/ada/thesis']));
  const saved = { folders: thenFolders, collections: ['vscode-remote://localhost:8080/home/ada/paper/refs/main.bib', 'file:///shared/zotero.bib'] };
  assert.deepEqual(rememberedFor(saved, todayFolders, 10), ['vscode-remote://localhost:9191/home/ada/paper/refs/main.bib', 'file:///shared/zotero.bib']);
});

test('a list of other folders, a damaged file or wrong types read as nothing; the limit holds', () => {
  const saved = { folders: ['file:///a'], collections: ['file:///a/x.bib', 7, 'file:///a/y.bib', 'file:///a/z.bib'] };
  assert.deepEqual(rememberedFor(saved, ['file:///b'], 10), []);
  assert.deepEqual(rememberedFor(saved, ['file:///a', 'file:///c'], 10), []);
  assert.deepEqual(rememberedFor(null, ['file:///a'], 10), []);
  assert.deepEqual(rememberedFor('[]', ['file:///a'], 10), []);
  assert.deepEqual(rememberedFor({ folders: 'file:///a', collections: [] }, ['file:///a'], 10), []);
  assert.deepEqual(rememberedFor(saved, ['file:///a'], 2), ['file:///a/x.bib', 'file:///a/y.bib']);
  // A folder named like the start of another is not that folder.
  assert.deepEqual(rememberedFor({ folders: ['file:///a'], collections: ['file:///ab/x.bib'] }, ['file:///a'], 10), ['file:///ab/x.bib']);
});
