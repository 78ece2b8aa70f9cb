/**
 * `decodeCollection` for big files without holding the thread: UTF-8 is decoded 1 MB at a
 * time with a pause between slices (the web extension host reads 50 MB this way). Same
 * rules: a UTF-16 BOM wins, invalid UTF-8 means Windows-1252.
 */
import { DecodedText, decodeCollection } from './encoding';

const SLICE_BYTES = 1 << 20;

export async function decodeCollectionInSlices(bytes: Uint8Array, pause: () => Promise<void>): Promise<DecodedText> {
  // UTF-16 (with a BOM, or zero bytes between ASCII letters) is left to decodeCollection.
  const head = bytes.subarray(0, 64);
  const maybeUtf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff) || head.includes(0);
  if (bytes.length <= SLICE_BYTES || maybeUtf16) return decodeCollection(bytes);
  try {
    return { text: await decodeUtf8InSlices(bytes, pause, true), encoding: 'UTF-8' };
  } catch {
    // Not UTF-8: Windows-1252 (old tools); rare enough to decode in one go.
    return decodeCollection(bytes);
  }
}

/** UTF-8 bytes to text 1 MB at a time, pausing between slices; `fatal` throws on invalid bytes. */
export async function decodeUtf8InSlices(bytes: Uint8Array, pause: () => Promise<void>, fatal = false): Promise<string> {
  const decoder = new TextDecoder('utf-8', { fatal });
  const parts: string[] = [];
  for (let at = 0; at < bytes.length; at += SLICE_BYTES) {
    const end = Math.min(bytes.length, at + SLICE_BYTES);
    parts.push(decoder.decode(bytes.subarray(at, end), { stream: end < bytes.length }));
    if (end < bytes.length) await pause();
  }
  return parts.join('');
}
