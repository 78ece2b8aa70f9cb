import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { decodeCache, encodeCache } from '../../src/core/cacheFormat';
import { IncrementalCollection } from '../../src/core/incremental';

const text = '@string{acl = {ACL}}\n@inproceedings{a, title = {Tïtle “quoted”}, booktitle = acl}\n@misc{b,\n  title = {B\n';
const fingerprint = { size: 10, mtime: 1234.5, hash: 'abc' };

test('a cache file round-trips a reading exactly', async () => {
  const patch = await new IncrementalCollection('file:///x.bib').update(text);
  const bytes = encodeCache(patch, fingerprint, 'UTF-8');
  const back = decodeCache(bytes, 'file:///x.bib', fingerprint)!;
  assert.ok(back);
  assert.equal(back.encoding, 'UTF-8');
  assert.equal(back.patch.added.strings, patch.added.strings);
  assert.deepEqual([...back.patch.added.numbers], [...patch.added.numbers]);
  assert.deepEqual([...back.patch.lineStarts], [...patch.lineStarts]);
  assert.deepEqual(back.patch.diagnostics, patch.diagnostics);
  assert.deepEqual({ ...back.patch.strings }, { ...patch.strings });
});

test('another file, size, mtime, hash, or a damaged file is not a hit', async () => {
  const patch = await new IncrementalCollection('file:///x.bib').update(text);
  const bytes = encodeCache(patch, fingerprint, 'UTF-8');
  assert.equal(decodeCache(bytes, 'file:///y.bib', fingerprint), undefined);
  assert.equal(decodeCache(bytes, 'file:///x.bib', { ...fingerprint, size: 11 }), undefined);
  assert.equal(decodeCache(bytes, 'file:///x.bib', { ...fingerprint, mtime: 1 }), undefined);
  assert.equal(decodeCache(bytes, 'file:///x.bib', { ...fingerprint, hash: 'abd' }), undefined);
  assert.equal(decodeCache(bytes.subarray(0, bytes.length - 1), 'file:///x.bib', fingerprint), undefined);
  assert.equal(decodeCache(new Uint8Array([1, 2, 3, 4, 5]), 'file:///x.bib', fingerprint), undefined);
});
