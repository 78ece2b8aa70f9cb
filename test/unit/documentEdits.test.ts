/**
 * An open document's edits sent as changes (catalogProtocol's `edits` reading): applied to
 * the text the catalog holds when their base is that text, answered `needsText` (and nothing
 * changed) when it is not or the result does not fit, and refused when malformed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CatalogService, DocumentEdits } from '../../src/core/catalogProtocol';

const file = 'file:///lib.bib';
const text = '@article{alpha, title = {First Title}, year = {2001}}\n@article{beta, title = {Second Title}, year = {2002}}\n';
const stamp = { size: 120, mtime: 1700000000123 };

function service() {
  const s = new CatalogService({ pause: () => Promise.resolve(), sliceMs: 15, memory: () => ({ heapUsedMB: 0, heapTotalMB: 0, thread: 'host' }) });
  let id = 0;
  const call = async (method: string, ...args: unknown[]) => {
    const reply = await s.handle({ id: ++id, method, args });
    if (!reply.ok) throw new Error(reply.error);
    return reply.value as { kind: string; entries?: number; full?: boolean; reRead?: number };
  };
  const titles = async () => ((await call('search', 'title', 10)) as unknown as Array<{ key: string; title: string }>).map((p) => `${p.key}: ${p.title}`).sort();
  return { call, titles, handle: (m: unknown) => s.handle(m) };
}

/** The change that replaces `from` by `to` in `source`. */
const change = (source: string, from: string, to: string) => ({ offset: source.indexOf(from), length: from.length, text: to });

test('edits on the file read from disk (same stamp) re-read only the changed entry', async () => {
  const { call, titles } = service();
  await call('read', { file, label: 'lib.bib', bytes: new TextEncoder().encode(text), stamp });
  const c = change(text, 'Second Title', 'Second Title, Revised');
  const edited = text.slice(0, c.offset) + c.text + text.slice(c.offset + c.length);
  const edits: DocumentEdits = { base: { disk: stamp }, version: 2, length: edited.length, changes: [c] };
  const answer = await call('read', { file, label: 'lib.bib', edits });
  assert.equal(answer.kind, 'read');
  assert.equal(answer.full, false);
  assert.deepEqual(await titles(), ['alpha: First Title', 'beta: Second Title, Revised']);
  // Later edits name the version sent last; several changes apply in the order given.
  const c2 = change(edited, 'First', 'Very First');
  const after2 = edited.slice(0, c2.offset) + c2.text + edited.slice(c2.offset + c2.length);
  const c3 = change(after2, 'Very', 'Truly');
  const after3 = after2.slice(0, c3.offset) + c3.text + after2.slice(c3.offset + c3.length);
  assert.equal((await call('read', { file, label: 'lib.bib', edits: { base: { version: 2 }, version: 3, length: after3.length, changes: [c2, c3] } })).kind, 'read');
  assert.deepEqual(await titles(), ['alpha: Truly First Title', 'beta: Second Title, Revised']);
});

test('edits on a text the catalog does not hold are answered needsText and change nothing', async () => {
  const { call, titles } = service();
  await call('read', { file, label: 'lib.bib', text, version: 5 });
  const c = change(text, 'First', 'Changed');
  const length = text.length + 2;
  for (const base of [{ version: 4 }, { disk: stamp }]) {
    assert.deepEqual(await call('read', { file, label: 'lib.bib', edits: { base, version: 6, length, changes: [c] } }), { kind: 'needsText' });
  }
  // The right base but a result of another length: VS Code's text is not ours.
  assert.deepEqual(await call('read', { file, label: 'lib.bib', edits: { base: { version: 5 }, version: 6, length: length + 1, changes: [c] } }), { kind: 'needsText' });
  // A change past the end.
  assert.deepEqual(await call('read', { file, label: 'lib.bib', edits: { base: { version: 5 }, version: 6, length, changes: [{ offset: text.length, length: 5, text: '' }] } }), { kind: 'needsText' });
  assert.deepEqual(await titles(), ['alpha: First Title', 'beta: Second Title']);
  // A file never read, and one forgotten, hold no base.
  assert.deepEqual(await call('read', { file: 'file:///other.bib', label: 'other.bib', edits: { base: { version: 5 }, version: 6, length, changes: [c] } }), { kind: 'needsText' });
  await call('forget', file);
  assert.deepEqual(await call('read', { file, label: 'lib.bib', edits: { base: { version: 5 }, version: 6, length, changes: [c] } }), { kind: 'needsText' });
  // And the whole text then does what the edits could not.
  assert.equal((await call('read', { file, label: 'lib.bib', text: text.replace('First', 'Changed'), version: 6 })).kind, 'read');
  assert.deepEqual(await titles(), ['alpha: Changed Title', 'beta: Second Title']);
});

test('a disk reading that was not UTF-8 is no base for edits (an editor may decode it otherwise)', async () => {
  const { call } = service();
  const latin1 = new Uint8Array([...new TextEncoder().encode('@article{a, title = {Caf'), 0xe9, ...new TextEncoder().encode('}}\n')]);
  await call('read', { file, label: 'lib.bib', bytes: latin1, stamp });
  assert.deepEqual(await call('read', { file, label: 'lib.bib', edits: { base: { disk: stamp }, version: 2, length: 29, changes: [{ offset: 0, length: 0, text: ' ' }] } }), { kind: 'needsText' });
});

test('malformed edits get an error answer', async () => {
  const { handle } = service();
  const bad: unknown[] = [
    { base: {}, version: 1, length: 1, changes: [] },
    { base: { version: 1 }, version: 'x', length: 1, changes: [] },
    { base: { version: 1 }, version: 2, length: 1, changes: [{ offset: -1, length: 0, text: '' }] },
    { base: { disk: { size: 1 } }, version: 2, length: 1, changes: [] },
    { base: { version: 1 }, version: 2, length: 1, changes: 'no' },
  ];
  for (const edits of bad) {
    const reply = await handle({ id: 1, method: 'read', args: [{ file, label: 'lib.bib', edits }] });
    assert.equal(reply.ok, false, JSON.stringify(edits));
    assert.match((reply as { error: string }).error, /^Bad catalog request: read: argument 1/);
  }
  // Edits and a text at once are two readings in one: refused too.
  const both = await handle({ id: 2, method: 'read', args: [{ file, label: 'lib.bib', text, edits: { base: { version: 1 }, version: 2, length: 1, changes: [] } }] });
  assert.equal(both.ok, false);
});
