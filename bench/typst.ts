/**
 * `npm run bench:typst`: the Typst scanner and the Hayagriva reader (a benchmark, not a test).
 *  1. Scanning generated Typst documents of 100 KB and 1 MB (every citation form, comments,
 *     raw, math, code), and the completion context at their end (what each keystroke costs).
 *  2. Reading generated Hayagriva files of 1,000 and 10,000 entries, intact and with one
 *     entry in 1,000 broken (each broken entry must cost only itself).
 * Median of 5 runs. Writes bench/results/typst.json and bench/results/typst.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { scanDocument } from '../src/core/citations';
import { citeContext } from '../src/core/citeContext';
import { parseHayagriva } from '../src/core/hayagriva';

const RUNS = 5;

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn: () => unknown, runs = RUNS): number {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    out.push(performance.now() - t);
  }
  return median(out);
}

/** A Typst document of about `size` characters, with every citation form and the things that are not citations. */
function typstDocument(size: number): string {
  const parts: string[] = ['#let citet(k) = cite(k, form: "prose")\n#set heading(numbering: "1.")\n'];
  let n = 0;
  let length = 0;
  while (length < size) {
    const i = n++;
    const block =
      `= Section ${i} <sec${i}>\n` +
      `Prose citing @key${i} and @key${i + 1}[p. ${i}], as #citet(<key${i + 2}>) found; see @sec${i}.\n` +
      `An explicit #cite(<key${i + 3}>, supplement: [ch. 2]) and #cite(label("DBLP:conf/x/Y${i}")).\n` +
      `// a comment with @commented${i}\n` +
      'Raw `@raw` and math $x^2 + y_i$ and mail me@example.org or https://example.org/@user.\n' +
      `#figure(rect[x], caption: [A figure with @key${i + 4}]) <fig${i}>\n\n`;
    parts.push(block);
    length += block.length;
  }
  return parts.join('');
}

function hayagrivaFile(entries: number, brokenEvery = 0): string {
  const out: string[] = [];
  for (let i = 0; i < entries; i++) {
    const broken = brokenEvery > 0 && i % brokenEvery === brokenEvery - 1;
    out.push(
      `key${i}:\n` +
        `    type: Article\n` +
        `    title: ${broken ? '"' : ''}A study of problem ${i} in depth\n` +
        `    author: ["Doe, Jane", "Roe, Richard", "Poe, Edgar A."]\n` +
        `    date: ${2000 + (i % 25)}-0${1 + (i % 9)}-1${i % 10}\n` +
        `    doi: "10.1000/x.${i}"\n` +
        `    page-range: ${i}-${i + 12}\n` +
        `    abstract: >\n      We study problem ${i} and report results that matter for problem ${i + 1}.\n` +
        `    parent:\n        type: Periodical\n        title: Journal of Examples\n        volume: ${i % 50}\n        issue: ${i % 12}\n`,
    );
  }
  return out.join('\n');
}

function main(): void {
  const scans = [100_000, 1_000_000].map((size) => {
    const text = typstDocument(size);
    const scan = scanDocument(text, 'typst');
    const cursor = text.lastIndexOf('@key') + 3;
    return {
      sizeKB: Math.round(text.length / 1000),
      citations: scan.citations.length,
      labels: scan.labels?.length ?? 0,
      scanMs: Math.round(time(() => scanDocument(text, 'typst')) * 10) / 10,
      completionContextMs: Math.round(time(() => citeContext(text, cursor, 'typst')) * 10) / 10,
    };
  });
  const reads = [1000, 10000].flatMap((entries) =>
    [0, 1000].map((brokenEvery) => {
      const text = hayagrivaFile(entries, brokenEvery);
      const result = parseHayagriva(text, 'bench.yml');
      const rssBefore = process.memoryUsage().rss;
      const ms = time(() => parseHayagriva(text, 'bench.yml'));
      return {
        entries,
        brokenEvery,
        sizeMB: Math.round(text.length / 1e4) / 100,
        read: result.entries.filter((e) => !e.broken).length,
        broken: result.entries.filter((e) => e.broken).length,
        problems: result.diagnostics.length,
        medianMs: Math.round(ms),
        rssGrowthMB: Math.round((process.memoryUsage().rss - rssBefore) / 1e6),
      };
    }),
  );
  const results = { date: new Date().toISOString(), machine: { cpus: cpus().length, node: process.version }, scans, reads };
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  writeFileSync(join(__dirname, 'results', 'typst.json'), JSON.stringify(results, null, 2) + '\n');
  const md = [`# Typst and Hayagriva benchmark (${results.date.slice(0, 10)}, ${results.machine.cpus} cores, Node ${results.machine.node})`, ''];
  md.push('| Typst document | citations | labels | scan (median of 5) | completion context at the end |', '|---|---|---|---|---|');
  for (const s of scans) md.push(`| ${s.sizeKB} KB | ${s.citations.toLocaleString('en-US')} | ${s.labels.toLocaleString('en-US')} | ${s.scanMs} ms | ${s.completionContextMs} ms |`);
  md.push('', '| Hayagriva file | size | entries read intact | broken entries | problems | read (median of 5) |', '|---|---|---|---|---|---|');
  for (const r of reads) md.push(`| ${r.entries.toLocaleString('en-US')} entries${r.brokenEvery ? `, 1 in ${r.brokenEvery} broken` : ''} | ${r.sizeMB} MB | ${r.read.toLocaleString('en-US')} | ${r.broken} | ${r.problems} | ${r.medianMs} ms |`);
  writeFileSync(join(__dirname, 'results', 'typst.md'), md.join('\n') + '\n');
  process.stdout.write(md.join('\n') + '\n');
}

main();
