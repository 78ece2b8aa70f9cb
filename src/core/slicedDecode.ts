/**
 * `decodeCollection` for big files without holding the thread: UTF-8 is decoded 1 MB at a
 * time with a pause between slices (the web extension host reads 50 MB this way). Same
 * rules: a UTF-16 BOM wins, invalid UTF-8 means Windows-1252.
 */
import { DecodedText, decodeCollection } from './encoding';

const SLICE_BYTES = 1 << 20;

export async function decodeCollectionInSlices(bytes: Uint8Array, pause: () => Promise<void>): Promise<DecodedText> {
  const bom16 = bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
  if (bytes.length <= SLICE_BYTES || bom16) return decodeCollection(bytes);
  const attempt = async (label: string, fatal: boolean): Promise<string> => {
    const decoder = new TextDecoder(label, { fatal });
    const parts: string[] = [];
    for (let at = 0; at < bytes.length; at += SLICE_BYTES) {
      const end = Math.min(bytes.length, at + SLICE_BYTES);
      parts.push(decoder.decode(bytes.subarray(at, end), { stream: end < bytes.length }));
      if (end < bytes.length) await pause();
    }
    return parts.join('');
  };
  try {
    const text = await attempt('utf-8', true);
    // A BOM-less UTF-8 decoder keeps a leading BOM out, as decodeCollection does.
    return { text, encoding: 'UTF-8' };
  } catch {
    return { text: await attempt('windows-1252', false), encoding: 'Windows-1252' };
  }
}
