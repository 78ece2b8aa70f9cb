/**
 * Characters that change how text around them reads without being seen: control characters,
 * bidi overrides and isolates (U+202A–U+202E, U+2066–U+2069: "Trojan Source" reordering),
 * zero-width characters and marks. Hovers, completion and the library show each as a visible
 * mark (`⟨U+202E⟩`), so collection text cannot reorder or hide what a reader sees.
 */
const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufeff\ufff9-\ufffb\u{e0000}-\u{e007f}]/gu;

export function visibleMarks(s: string): string {
  return s.replace(INVISIBLE, (c) => `⟨U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}⟩`);
}
