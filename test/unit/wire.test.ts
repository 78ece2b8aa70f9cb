import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { IncrementalCollection } from '../../src/core/incremental';
import { fromWire, toWire } from '../../src/core/wire';

test('a patch survives the wire form (strings as transferable UTF-8), decoded at once or in slices', async () => {
  const text = Array.from({ length: 20_000 }, (_, i) => `@article{k${i}, author = {Ñúñez, José and 王, 小明}, title = {Paper ${i} “quoted” — ${'long '.repeat(20)}}}\n`).join('');
  const patch = await new IncrementalCollection('file:///w.bib').update(text);
  const strings = patch.added.strings;
  const displays = patch.added.displays!.strings;
  const numbers = [...patch.added.numbers];
  const { wire, transfer } = toWire(patch);
  assert.ok(transfer.length >= 4, 'the buffers are transferred');
  assert.ok(wire.added.strings.length > 1 << 20);
  // What postMessage does with transferred buffers.
  const received = structuredClone(wire, { transfer });
  let pauses = 0;
  const sliced = await fromWire(received, async () => void pauses++);
  assert.ok(pauses > 1);
  assert.equal(sliced.added.strings, strings);
  assert.equal(sliced.added.displays!.strings, displays);
  assert.deepEqual([...sliced.added.numbers], numbers);
  assert.equal(sliced.entryCount, 20_000);
});
