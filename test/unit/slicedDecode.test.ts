import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { decodeCollection } from '../../src/core/encoding';
import { decodeCollectionInSlices } from '../../src/core/slicedDecode';

const big = (s: string) => s.repeat(Math.ceil(3_000_000 / s.length));

test('sliced decoding equals decodeCollection: UTF-8 across slice borders, Windows-1252, UTF-16', async () => {
  const utf8 = new TextEncoder().encode(big('@misc{k, title = {Ångström “quoted” — 数学}}\n'));
  const latin = Uint8Array.from(big('@misc{k, title = {Caf\u00e9 \u0093q\u0094}}\n'), (c) => c.charCodeAt(0));
  const le = new Uint8Array([0xff, 0xfe, ...Array.from(big('@misc{k}\n').slice(0, 1_500_000), (c) => [c.charCodeAt(0), 0]).flat()]);
  for (const bytes of [utf8, latin, le]) {
    let pauses = 0;
    const sliced = await decodeCollectionInSlices(bytes, async () => void pauses++);
    const once = decodeCollection(bytes);
    assert.equal(sliced.encoding, once.encoding);
    assert.ok(sliced.text === once.text, `${once.encoding}: same text`);
    if (once.encoding === 'UTF-8') assert.ok(pauses > 1, 'paused between slices');
  }
});
