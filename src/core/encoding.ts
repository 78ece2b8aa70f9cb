/** Decoding collection files written by many tools (TextDecoder exists in every host). */

export interface DecodedText {
  text: string;
  encoding: string;
}

/**
 * UTF-8 unless a BOM (or, without one, the zero bytes of ASCII text) says UTF-16; invalid
 * UTF-8 is read as Windows-1252 (old tools), a superset of Latin-1's printable characters.
 */
export function decodeCollection(bytes: Uint8Array): DecodedText {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes), encoding: 'UTF-16LE' };
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes), encoding: 'UTF-16BE' };
  const wide = bomlessUtf16(bytes);
  if (wide) return { text: new TextDecoder(wide === 'UTF-16LE' ? 'utf-16le' : 'utf-16be').decode(bytes), encoding: wide };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'UTF-8' };
  } catch {
    return { text: decodeWindows1252(bytes), encoding: 'Windows-1252' };
  }
}

/** Windows-1252's characters for bytes 0x80–0x9F (the five unassigned bytes keep their C1 code). */
const CP1252_HIGH = '\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178';

/**
 * Node's TextDecoder('windows-1252') decodes as ISO-8859-1 (seen on Node 20): € “ ” – …
 * would come out as C1 control characters. Browsers decode correctly; mapping 0x80–0x9F
 * afterwards gives the right text in both.
 */
function decodeWindows1252(bytes: Uint8Array): string {
  return new TextDecoder('windows-1252').decode(bytes).replace(/[\u0080-\u009f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]);
}

/**
 * UTF-16 written without a BOM: a BibTeX file starts with ASCII, so every other byte of its
 * first characters is zero. Read as UTF-8 it would be valid but hold a NUL after each letter,
 * and no entry would be found.
 */
function bomlessUtf16(bytes: Uint8Array): 'UTF-16LE' | 'UTF-16BE' | undefined {
  const n = Math.min(bytes.length, 64) & ~1;
  if (n < 8) return undefined;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZero++;
    if (bytes[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  if (oddZero === pairs && evenZero === 0) return 'UTF-16LE';
  if (evenZero === pairs && oddZero === 0) return 'UTF-16BE';
  return undefined;
}

/** How much of a file's start the binary rule looks at (git and grep look at 8,000 bytes). */
export const BINARY_SNIFF_BYTES = 8192;

/**
 * Why a file is not a text collection or document, or undefined when it is text. One rule for
 * the CLI and the extension: binary only when the first 8 KB of a text that is not UTF-16
 * hold a NUL byte **and** control characters are common among the other bytes (compressed
 * or machine data: about one byte in ten). One stray NUL in a real file (a damaged export,
 * a paste) or a block of zeros leaves it text: its entries are read, and a NUL inside an
 * entry is a problem of that entry.
 */
export function binaryReason(bytes: Uint8Array): string | undefined {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) return undefined;
  if (bomlessUtf16(bytes)) return undefined;
  const n = Math.min(bytes.length, BINARY_SNIFF_BYTES);
  let nul = 0;
  let control = 0;
  for (let i = 0; i < n; i++) {
    const c = bytes[i];
    if (c === 0) nul++;
    else if (c < 0x20 ? !TEXT_CONTROLS[c] : c === 0x7f) control++;
  }
  if (nul === 0) return undefined;
  const others = n - nul;
  // Mostly zeros (a pre-allocated or wiped file) is not a binary format: read it, find nothing.
  if (others === 0 || control / others < BINARY_CONTROL_SHARE) return undefined;
  return 'it is a binary file, not text';
}

/** Share of control characters (other than NUL) among the other sniffed bytes that marks binary data. */
const BINARY_CONTROL_SHARE = 0.03;

/** Control characters that plain text uses: tab, line feed, vertical tab, form feed, carriage return, escape. */
const TEXT_CONTROLS: readonly boolean[] = Array.from({ length: 32 }, (_, c) => c === 9 || c === 10 || c === 11 || c === 12 || c === 13 || c === 27);
