/**
 * Reading a file while it is written (src/vscode/settledRead.ts): a watcher reports the write
 * as it starts, so the reader must not take a just-truncated or half-written file as the truth.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readSettled, SETTLE_DELAY_MS } from '../../src/vscode/settledRead';

const dir = mkdtempSync(join(tmpdir(), 'citelens-settled-'));
const full = '@misc{a, title = {A}}\n@misc{b, title = {B}}\n';

test('a file truncated just before its new text is written: the new text, not the empty file', async () => {
  const file = join(dir, 'truncated.bib');
  writeFileSync(file, full);
  await truncate(file, 0);
  setTimeout(() => writeFileSync(file, full + '@misc{c, title = {C}}\n'), SETTLE_DELAY_MS / 2);
  const read = await readSettled(file, true);
  assert.notEqual(read, 'folder');
  if (read === 'folder') return;
  assert.equal(read.bytes.toString('utf8'), full + '@misc{c, title = {C}}\n');
});

test('a file emptied on purpose is read as empty (after a few looks)', async () => {
  const file = join(dir, 'emptied.bib');
  writeFileSync(file, '');
  const read = await readSettled(file, true);
  assert.ok(read !== 'folder' && read.bytes.length === 0);
});

test('a new empty file is taken at once; a folder is a folder', async () => {
  const file = join(dir, 'new.bib');
  writeFileSync(file, '');
  const started = Date.now();
  const read = await readSettled(file, false);
  assert.ok(read !== 'folder' && read.bytes.length === 0);
  assert.ok(Date.now() - started < SETTLE_DELAY_MS, 'no waiting for a file never read before');
  mkdirSync(join(dir, 'folder.bib'));
  assert.equal(await readSettled(join(dir, 'folder.bib'), true), 'folder');
});
