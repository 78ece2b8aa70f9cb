/** decodeCollection: the encodings collection files arrive in from old and Windows tools. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { binaryReason, decodeCollection } from '../../src/core/encoding';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBibtex } from '../../src/core/bibtex';

const ENTRY = '@article{muller2001,\n  author = {Müller, Jürgen and Øst, Åse},\n  title = {Über “Zitate” – naïve façades €},\n}\n';

function utf16(text: string, endian: 'le' | 'be', bom: boolean): Uint8Array {
  const units = (bom ? '\uFEFF' : '') + text;
  const bytes = new Uint8Array(units.length * 2);
  for (let i = 0; i < units.length; i++) {
    const u = units.charCodeAt(i);
    bytes[2 * i + (endian === 'le' ? 0 : 1)] = u & 0xff;
    bytes[2 * i + (endian === 'le' ? 1 : 0)] = u >> 8;
  }
  return bytes;
}

/** Windows-1252 bytes of a text (the characters used here only). */
function windows1252(text: string): Uint8Array {
  const special: Record<string, number> = { '€': 0x80, '“': 0x93, '”': 0x94, '–': 0x96 };
  return Uint8Array.from([...text].map((c) => special[c] ?? (c.charCodeAt(0) <= 0xff ? c.charCodeAt(0) : 0x3f)));
}

describe('decodeCollection', () => {
  test('UTF-8, with or without a BOM, is read as UTF-8 and the BOM dropped', () => {
    const plain = decodeCollection(new TextEncoder().encode(ENTRY));
    assert.deepEqual(plain, { text: ENTRY, encoding: 'UTF-8' });
    const withBom = decodeCollection(Uint8Array.from([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(ENTRY)]));
    assert.equal(withBom.encoding, 'UTF-8');
    assert.equal(withBom.text, ENTRY);
  });

  test('Windows-1252 (and Latin-1) after invalid UTF-8: accents, curly quotes, dash and euro', () => {
    const decoded = decodeCollection(windows1252(ENTRY));
    assert.equal(decoded.encoding, 'Windows-1252');
    assert.equal(decoded.text, ENTRY);
    const entry = parseBibtex(decoded.text, 'old.bib').entries[0];
    assert.equal(entry.fields.author.raw, 'Müller, Jürgen and Øst, Åse');
    assert.equal(entry.fields.title.raw, 'Über “Zitate” – naïve façades €');
  });

  test('one stray Latin-1 byte in an otherwise UTF-8 file makes the whole file Windows-1252', () => {
    // Mixed files exist (hand edits); UTF-8 is all-or-nothing, so the fallback is reported.
    const bytes = Uint8Array.from([...new TextEncoder().encode('@misc{a, title = {plain}}\n'), ...windows1252('@misc{b, title = {caf\u00e9}}\n')]);
    const decoded = decodeCollection(bytes);
    assert.equal(decoded.encoding, 'Windows-1252');
    assert.deepEqual(parseBibtex(decoded.text, 'mixed.bib').entries.map((e) => e.fields.title.raw), ['plain', 'café']);
  });

  test('UTF-16 LE and BE with a BOM; the BOM is not part of the text', () => {
    for (const endian of ['le', 'be'] as const) {
      const decoded = decodeCollection(utf16(ENTRY, endian, true));
      assert.equal(decoded.encoding, endian === 'le' ? 'UTF-16LE' : 'UTF-16BE');
      assert.equal(decoded.text, ENTRY);
      assert.equal(parseBibtex(decoded.text, 'wide.bib').entries[0].key, 'muller2001');
    }
  });

  test('UTF-16 without a BOM is recognised by its zero bytes instead of read as text full of NULs', () => {
    for (const endian of ['le', 'be'] as const) {
      const decoded = decodeCollection(utf16(ENTRY, endian, false));
      assert.equal(decoded.encoding, endian === 'le' ? 'UTF-16LE' : 'UTF-16BE');
      assert.equal(decoded.text, ENTRY);
    }
  });

  test('a UTF-16 file cut in the middle of a character still decodes', () => {
    const bytes = utf16(ENTRY, 'le', true);
    const decoded = decodeCollection(bytes.subarray(0, bytes.length - 1));
    assert.equal(decoded.encoding, 'UTF-16LE');
    assert.ok(decoded.text.startsWith('@article{muller2001'));
  });

  test('empty and one-byte files', () => {
    assert.deepEqual(decodeCollection(new Uint8Array(0)), { text: '', encoding: 'UTF-8' });
    assert.equal(decodeCollection(Uint8Array.from([0xff])).encoding, 'Windows-1252');
  });

  test('ASCII text with a few NULs is not mistaken for UTF-16', () => {
    const decoded = decodeCollection(new TextEncoder().encode('@misc{a, title = {x\0y}}\n@misc{b,}\n'));
    assert.equal(decoded.encoding, 'UTF-8');
  });
});

describe('the binary rule (shared by the CLI and the extension)', () => {
  const root = join(__dirname, '..', '..');
  const bib = readFileSync(join(root, 'test', 'fixtures', 'bibtex', 'basic.bib'));

  test('a PNG and a program are binary', () => {
    assert.equal(binaryReason(readFileSync(join(root, 'media', 'icon.png'))), 'it is a binary file, not text');
    assert.equal(binaryReason(readFileSync(process.execPath)), 'it is a binary file, not text');
  });

  test('one NUL, or a block of zeros, in a text leaves it text', () => {
    const one = Buffer.concat([bib.subarray(0, 40), Buffer.from([0]), bib.subarray(40)]);
    assert.equal(binaryReason(one), undefined);
    const zeros = Buffer.concat([Buffer.alloc(4096), bib]);
    assert.equal(binaryReason(zeros), undefined);
    assert.equal(binaryReason(Buffer.alloc(100)), undefined, 'all zeros: nothing to read, but no format either');
  });

  test('UTF-16 with or without a BOM is text despite its zero bytes; plain text without NUL is text', () => {
    assert.equal(binaryReason(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('@misc{a, title = {T}}\n', 'utf16le')])), undefined);
    assert.equal(binaryReason(Buffer.from('@misc{a, title = {T}}\n', 'utf16le')), undefined);
    assert.equal(binaryReason(Buffer.from('\x01\x02\x03 control characters but no NUL')), undefined);
  });

  test('only the first 8 KB decide', () => {
    const text = Buffer.alloc(9000, 0x61);
    const late = Buffer.concat([text, readFileSync(join(root, 'media', 'icon.png'))]);
    assert.equal(binaryReason(late), undefined);
  });
});
