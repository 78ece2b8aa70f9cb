/**
 * CSL YAML collections, as Pandoc reads them (`--bibliography refs.yaml`, or `references:` in
 * a document's metadata): a `references:` list of CSL items, optionally inside `---` … `---`.
 * Parsed with `yaml` (positions, error-tolerant); items are mapped as CSL-JSON items are
 * (csl.ts). An item the parser cannot read costs that item only.
 */
import { isMap, isScalar, isSeq, Node, parseDocument, Scalar, YAMLMap } from 'yaml';
import { cslEntry, CslProperty } from './csl';
import { Diagnostic, Entry, LineIndex, ParseResult, Span } from './model';

/** Is this YAML text a CSL YAML collection (a top-level `references:` key) rather than Hayagriva? */
export function looksLikeCslYaml(text: string): boolean {
  return /^references[ \t]*:/m.test(text.slice(0, 64 * 1024));
}

export function parseCslYaml(text: string, file: string): ParseResult {
  const lineIndex = new LineIndex(text);
  const entries: Entry[] = [];
  const diagnostics: Diagnostic[] = [];
  const diagnostic = (span: Span, severity: Diagnostic['severity'], message: string, code: string) => {
    const { line, column } = lineIndex.positionAt(span.start);
    diagnostics.push({ file, span, line, column, severity, message, code });
  };
  // A metadata block (`---` … `---` or `...`) holds the list; the rest of a Markdown file is not YAML.
  const block = /^---[ \t]*\r?\n([\s\S]*?)^(?:---|\.\.\.)[ \t]*$/m.exec(text);
  const offset = block && /^references[ \t]*:/m.test(block[1]) ? block.index + block[0].indexOf(block[1]) : 0;
  const source = block && offset ? block[1] : text;
  const doc = parseDocument(source, { uniqueKeys: false, prettyErrors: false, strict: false });
  const errorSpans: Span[] = [];
  for (const e of doc.errors) {
    const span = { start: offset + (e.pos?.[0] ?? 0), end: offset + (e.pos?.[1] ?? 1) };
    errorSpans.push(span);
    diagnostic(span, 'error', `YAML: ${e.message.split('\n')[0]}`, 'syntax');
  }
  const references = isMap(doc.contents) ? doc.contents.get('references', true) : undefined;
  if (!isSeq(references)) {
    diagnostic({ start: 0, end: Math.min(1, text.length) }, 'error', 'CSL YAML needs a top-level "references:" list of items', 'syntax');
    return { file, format: 'csl-json', entries, diagnostics, strings: {}, preambles: [], lineIndex };
  }
  for (const item of references.items) {
    const node = item as Node | null;
    const range = node?.range;
    if (!range) continue;
    const span = { start: offset + range[0], end: offset + range[1] };
    if (!isMap(node)) {
      diagnostic(span, 'error', 'a CSL item must be a mapping (id: …, type: …); the item is skipped', 'syntax');
      continue;
    }
    const properties = propertiesOf(node as YAMLMap, doc, offset);
    const id = properties.find((p) => p.name === 'id');
    const key = id && (typeof id.value === 'string' || typeof id.value === 'number') ? String(id.value).trim() : '';
    if (!key) {
      diagnostic({ start: span.start, end: span.start + 1 }, 'error', `${id ? 'CSL item id must be a non-empty string or a number' : 'CSL item has no id'}; the item is skipped`, 'missing-key');
      continue;
    }
    const keySpan = keySpanOf(id!, text, key);
    const entry = cslEntry(properties, text, file, lineIndex, span, keySpan, key);
    if (errorSpans.some((e) => e.start < span.end && e.end > span.start)) entry.broken = true;
    entries.push(entry);
  }
  return { file, format: 'csl-json', entries, diagnostics, strings: {}, preambles: [], lineIndex };
}

function propertiesOf(map: YAMLMap, doc: ReturnType<typeof parseDocument>, offset: number): CslProperty[] {
  const out: CslProperty[] = [];
  for (const pair of map.items) {
    const keyNode = pair.key as Node | null;
    if (!isScalar(keyNode) || !keyNode.range) continue;
    const valueNode = pair.value as Node | null;
    const range = valueNode?.range ?? keyNode.range;
    out.push({
      name: String((keyNode as Scalar).value),
      value: valueNode ? valueNode.toJS(doc) : null,
      nameStart: offset + keyNode.range[0],
      nameEnd: offset + keyNode.range[1],
      start: offset + range[0],
      end: offset + range[1],
    });
  }
  return out;
}

/** The key as written: inside its quotes when quoted. */
function keySpanOf(id: CslProperty, text: string, key: string): Span {
  const at = text.indexOf(key, id.start);
  return at >= 0 && at < id.end ? { start: at, end: at + key.length } : { start: id.start, end: id.end };
}
