/**
 * The `Entry` and `Field` objects every BibTeX reading produces: the reader builds them, and
 * the flat form (flat.ts) rebuilds them on the other side of a thread. Spans are getters over
 * plain numbers (a 50 MB library has 700,000 fields; three objects per field doubled the GC
 * time), and the numbers can move: an edit earlier in the file shifts the entries after it in
 * place instead of re-reading them (incremental.ts).
 */
import { Entry, Field, LineIndex, PaperDisplay, SourceFormat, Span } from './model';

/** The file's current line index, shared by its entries so an edit can swap it for all. */
export interface LineIndexHolder {
  lineIndex: LineIndex;
}

/** An entry whose offsets can move when text before it is edited. */
export class MovableEntry implements Entry {
  broken?: boolean;
  display?: PaperDisplay;

  constructor(
    readonly type: string,
    readonly key: string,
    readonly file: string,
    readonly format: SourceFormat,
    private start: number,
    private end: number,
    private keyStart: number,
    private keyEnd: number,
    private readonly lines: LineIndexHolder,
    readonly fields: Record<string, Field>,
  ) {}

  get line(): number {
    return this.lines.lineIndex.lineAt(this.start);
  }

  get column(): number {
    return this.start - this.lines.lineIndex.lineStart(this.line);
  }

  get span(): Span {
    return { start: this.start, end: this.end };
  }

  get keySpan(): Span {
    return { start: this.keyStart, end: this.keyEnd };
  }

  /** Moves the entry and its fields by `delta` characters. */
  shift(delta: number): void {
    this.start += delta;
    this.end += delta;
    this.keyStart += delta;
    this.keyEnd += delta;
    for (const name in this.fields) (this.fields[name] as MovableField).shift(delta);
  }
}

export class MovableField implements Field {
  constructor(
    readonly name: string,
    readonly raw: string,
    private valueStart: number,
    private valueEnd: number,
    private nameStart: number,
    private nameEnd: number,
  ) {}

  get span(): Span {
    return { start: this.valueStart, end: this.valueEnd };
  }

  get nameSpan(): Span {
    return { start: this.nameStart, end: this.nameEnd };
  }

  shift(delta: number): void {
    this.valueStart += delta;
    this.valueEnd += delta;
    this.nameStart += delta;
    this.nameEnd += delta;
  }
}
