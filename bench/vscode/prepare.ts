/**
 * Prepares the benchmark workspace of bench/vscode/run.js (run through tsx, because it uses
 * the generator and our reader to pick queries):
 *   <dir>/acl-anthology.bib     the ACL Anthology, gunzipped (50 MB)
 *   <dir>/generated-90k.bib     90,000 generated entries, half with abstracts (as bench.ts)
 *   <dir>/paper.tex, paper.md   documents to complete and hover in
 *   <dir>/.bench/plan.json      what the in-host suite does: queries, hover keys, the edit
 * Usage: node --import tsx bench/vscode/prepare.ts DIR [--acl-only]
 * Queries are drawn deterministically (seeded) from the two files, so every run and every
 * version of the extension gets the same ones.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseBibtex } from '../../src/core/bibtex';
import type { Entry } from '../../src/core/model';
import { createRandom } from '../break';
import { generateBibtex } from '../generate';

export interface Query {
  kind: 'key-prefix' | 'surname-year' | 'title-words' | 'misspelling';
  text: string;
  /** The entry the query was drawn from (hit rate only; latency is what is measured). */
  key: string;
  file: string;
}

export interface Plan {
  queries: Query[];
  /** Not timed: warms up the provider and the JIT before the timed queries. */
  warmup: Query[];
  hoverKeys: Array<{ key: string; file: string }>;
  /** The first completion after activation must return this key for `firstQuery`. */
  firstQuery: string;
  firstKey: string;
  /** Edits to one ACL entry's title: replace `find` (unique in the file) by `replace`. */
  edits: Array<{ via: 'disk' | 'editor'; key: string; find: string; replace: string; word: string }>;
}

const STOP = new Set('with from that this their these using into over under about based towards between through than for and the are not via its our your what when which while where how can does'.split(' '));

const root = join(__dirname, '..', '..');
const aclGz = join(root, '..', 'shared', 'bench-data', 'acl-anthology.bib.gz');

function main(): void {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: prepare.ts DIR [--acl-only]');
  const aclOnly = process.argv.includes('--acl-only');
  mkdirSync(join(dir, '.bench'), { recursive: true });

  const acl = gunzipSync(readFileSync(aclGz)).toString('utf8');
  writeFileSync(join(dir, 'acl-anthology.bib'), acl);
  const sources: Array<{ file: string; text: string }> = [{ file: 'acl-anthology.bib', text: acl }];
  if (!aclOnly) {
    const gen = generateBibtex(90000, { seed: 1, abstractRatio: 0.5 });
    writeFileSync(join(dir, 'generated-90k.bib'), gen);
    sources.push({ file: 'generated-90k.bib', text: gen });
  }
  writeFileSync(join(dir, 'paper.tex'), '\\documentclass{article}\n\\begin{document}\nSee \\cite{}.\n\\end{document}\n');
  writeFileSync(join(dir, 'paper.md'), '---\nbibliography: acl-anthology.bib\n---\n\nSee [@].\n');

  const random = createRandom(6);
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];
  const parsed = sources.map((s) => ({ file: s.file, entries: parseBibtex(s.text, s.file).entries.filter((e) => !e.broken && e.fields.title) }));

  const plain = (s: string): string => s.replace(/\\[a-zA-Z]+\s*|\\.|[{}]/g, '');
  const words = (e: Entry): string[] => plain(e.fields.title.raw).split(/[^A-Za-z]+/).filter((w) => w.length >= 4 && !STOP.has(w.toLowerCase()));
  const surname = (e: Entry): string | undefined => {
    const first = e.fields.author?.raw.split(/\s+and\s+/)[0];
    if (!first) return undefined;
    const name = plain(first.includes(',') ? first.split(',')[0] : first.trim().split(/\s+/).pop()!).trim();
    return /^[A-Za-z]{3,}$/.test(name) ? name : undefined;
  };

  function query(kind: Query['kind'], file: string, entries: Entry[]): Query {
    for (;;) {
      const e = pick(entries);
      const ws = words(e);
      let text: string | undefined;
      if (kind === 'key-prefix') {
        // 60–100 % of the key, at least 4 characters: what one types before picking.
        const n = Math.max(4, Math.ceil(e.key.length * (0.6 + 0.4 * random())));
        text = e.key.slice(0, n);
      } else if (kind === 'surname-year') {
        const s = surname(e);
        const y = e.fields.year?.raw;
        if (s && y && /^\d{4}$/.test(y)) text = `${s.toLowerCase()} ${y}`;
      } else if (kind === 'title-words') {
        const n = 1 + Math.floor(random() * 3);
        if (ws.length >= n) {
          const start = Math.floor(random() * (ws.length - n + 1));
          text = ws.slice(start, start + n).join(' ').toLowerCase();
        }
      } else {
        // One title word with two adjacent inner letters swapped, sometimes with a surname.
        const long = ws.filter((w) => w.length >= 6);
        if (long.length) {
          const w = pick(long).toLowerCase();
          const i = 1 + Math.floor(random() * (w.length - 3));
          const typo = w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2);
          const s = surname(e);
          text = s && random() < 0.5 ? `${s.toLowerCase()} ${typo}` : typo;
        }
      }
      if (text && !/[{}\\,%]/.test(text)) return { kind, text, key: e.key, file };
    }
  }

  const kinds: Query['kind'][] = ['key-prefix', 'surname-year', 'title-words', 'misspelling'];
  const queries: Query[] = [];
  const warmup: Query[] = [];
  // 200 timed queries: 50 of each kind, alternating between the collections.
  for (let i = 0; i < 200; i++) {
    const src = parsed[i % parsed.length];
    queries.push(query(kinds[Math.floor(i / 50)], src.file, src.entries));
  }
  for (let i = 0; i < 20; i++) {
    const src = parsed[i % parsed.length];
    warmup.push(query(kinds[i % 4], src.file, src.entries));
  }
  const hoverKeys = Array.from({ length: 200 }, (_, i) => {
    const src = parsed[i % parsed.length];
    return { key: pick(src.entries).key, file: src.file };
  });

  // An entry in the middle of the ACL file whose title field text occurs once.
  const aclEntries = parsed[0].entries;
  const edits: Plan['edits'] = [];
  for (const [n, via] of [[0.5, 'disk'], [0.75, 'editor']] as const) {
    for (let i = Math.floor(aclEntries.length * n); ; i++) {
      const e = aclEntries[i];
      const t = e.fields.title;
      const find = acl.slice(t.span.start, t.span.end);
      if (!/^\{[^{}\\]+\}$/.test(find) || acl.indexOf(find) !== acl.lastIndexOf(find)) continue;
      const word = via === 'disk' ? 'zyxwdiskedit' : 'zyxweditoredit';
      if (acl.includes(word)) throw new Error(`${word} already occurs in the ACL Anthology`);
      edits.push({ via, key: e.key, find, replace: find.slice(0, -1) + ` ${word[0].toUpperCase()}${word.slice(1)}}`, word });
      break;
    }
  }
  const first = aclEntries[Math.floor(aclEntries.length * 0.9)];
  const plan: Plan = { queries, warmup, hoverKeys, firstQuery: first.key, firstKey: first.key, edits };
  writeFileSync(join(dir, '.bench', 'plan.json'), JSON.stringify(plan, null, 1));
  process.stdout.write(JSON.stringify({ files: sources.map((s) => ({ file: s.file, bytes: Buffer.byteLength(s.text), entries: parsed.find((p) => p.file === s.file)!.entries.length })) }) + '\n');
}

main();
