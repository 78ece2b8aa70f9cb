/**
 * `npm run bench:scaling`: does reading stay linear on hostile input? For each pathological
 * family (nested braces, a huge field, tiny entries, a long key, broken entries, mutated real
 * files; for the citation scanner an unclosed `\cite{`, thousands of keys in one command, long
 * documents, unmatched fences, stray backticks) it reads inputs of growing size and reports the
 * time per MB and the ratio of time per MB between the largest and the smallest size. A
 * linear reader keeps that ratio near 1; a quadratic one multiplies it by the size factor
 * (8 here). Families whose ratio exceeds 2.5 are flagged SUPER-LINEAR.
 *
 * A benchmark, not a test: timings depend on the machine's load. Best of several runs with a
 * GC in between (run with `node --expose-gc --import tsx bench/scaling.ts`).
 * Writes bench/results/scaling.json and bench/results/scaling.md. Option: --quick.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseBibtex } from '../src/core/bibtex';
import { scanDocument } from '../src/core/citations';
import { DocumentSyntax } from '../src/core/citeContext';
import { aclSlice, applyMutation, Mutation } from '../test/unit/fuzzSupport';

const quick = process.argv.includes('--quick');
const RUNS = quick ? 3 : 5;
const FACTORS = [1, 2, 4, 8];
const FLAG_RATIO = 2.5;
const gc = (globalThis as { gc?: () => void }).gc;

interface Family {
  name: string;
  reader: 'bibtex' | 'latex' | 'markdown';
  /** What one unit of size is, for the table. */
  unit: string;
  base: number;
  make(n: number): string;
}

/** A deterministic pseudo-random sequence, so every run mutates the same way. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const acl = aclSlice(2000);

/** `n` copies of the ACL sample with one random hostile edit per 2 KB. */
function mutatedAcl(n: number): string {
  const rand = prng(7);
  const tokens = ['{', '}', '"', '@', ',', '=', '\n@misc{', '\0', '\\', '%'];
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    let text = acl;
    const edits = Math.floor(text.length / 2048);
    const at: number[] = [];
    for (let k = 0; k < edits; k++) at.push(Math.floor(rand() * text.length));
    at.sort((a, b) => b - a);
    for (const p of at) {
      const m: Mutation = rand() < 0.5 ? { at: p, deleteCount: 0, insert: tokens[Math.floor(rand() * tokens.length)] } : { at: p, deleteCount: 1 + Math.floor(rand() * 8), insert: '' };
      text = applyMutation(text, m);
    }
    parts.push(text);
  }
  return parts.join('\n');
}

const families: Family[] = [
  { name: 'nested braces (one field)', reader: 'bibtex', unit: 'levels', base: 1_000_000, make: (n) => `@misc{deep, title = ${'{'.repeat(n)}x${'}'.repeat(n)}}\n@misc{after, title = {A}}` },
  { name: 'unclosed nested braces', reader: 'bibtex', unit: 'levels', base: 1_000_000, make: (n) => `@misc{deep, title = ${'{'.repeat(n)}\n@misc{after, title = {A}}` },
  { name: 'huge field', reader: 'bibtex', unit: 'MB', base: 2, make: (n) => `@misc{big, abstract = {${'lorem ipsum '.repeat(Math.ceil((n * 1048576) / 12)).slice(0, n * 1048576)}}}` },
  { name: 'tiny entries', reader: 'bibtex', unit: 'entries', base: 125_000, make: (n) => Array.from({ length: n }, (_, i) => `@a{k${i},}`).join('\n') },
  { name: 'long key', reader: 'bibtex', unit: 'chars', base: 2_000_000, make: (n) => `@misc{${'k'.repeat(n)}, title = {T}}` },
  { name: 'unclosed entries, one per line', reader: 'bibtex', unit: 'entries', base: 25_000, make: (n) => Array.from({ length: n }, (_, i) => `@misc{k${i}, title = {open`).join('\n') },
  { name: '@ in free text', reader: 'bibtex', unit: 'chars', base: 2_000_000, make: (n) => '@a '.repeat(Math.ceil(n / 3)).slice(0, n) },
  { name: 'ACL sample, random mutations', reader: 'bibtex', unit: 'copies of 2,000 entries', base: 1, make: mutatedAcl },
  { name: 'unclosed \\cite{ in one paragraph', reader: 'latex', unit: 'commands', base: 20_000, make: (n) => 'See \\cite{a, b\n'.repeat(n) },
  { name: 'unclosed \\cite{ per paragraph', reader: 'latex', unit: 'paragraphs', base: 20_000, make: (n) => 'See \\cite{a, b\n\n'.repeat(n) },
  { name: 'unclosed \\cite[ option in one paragraph', reader: 'latex', unit: 'commands', base: 20_000, make: (n) => 'See \\cite[p.~1\n'.repeat(n) },
  { name: 'keys in one \\cite', reader: 'latex', unit: 'keys', base: 10_000, make: (n) => `\\cite{${Array.from({ length: n }, (_, i) => `key${i}`).join(', ')}}` },
  { name: 'LaTeX document lines', reader: 'latex', unit: 'lines', base: 100_000, make: (n) => Array.from({ length: n }, (_, i) => (i % 10 === 0 ? `Line ${i} cites \\citep[p.~2]{k${i}, j${i}} here.` : `Plain line ${i} % a comment`)).join('\n') },
  { name: 'unclosed \\verb', reader: 'latex', unit: 'lines', base: 50_000, make: (n) => 'x \\verb|never closed \\cite{a}\n'.repeat(n) },
  { name: 'keys in one [@…] bracket', reader: 'markdown', unit: 'keys', base: 10_000, make: (n) => `[${Array.from({ length: n }, (_, i) => `@key${i}`).join('; ')}]` },
  { name: 'Markdown document lines', reader: 'markdown', unit: 'lines', base: 100_000, make: (n) => Array.from({ length: n }, (_, i) => (i % 10 === 0 ? `Line ${i} cites @k${i} and [see @b${i}, p. 2].` : `Plain line ${i} with \`code\`.`)).join('\n') },
  { name: 'unmatched code fences', reader: 'markdown', unit: 'fences', base: 20_000, make: (n) => Array.from({ length: n }, (_, i) => (i % 2 ? '~~~~\n@x\n' : '```\n[@a]\n')).join('') },
  { name: 'stray backticks of growing length', reader: 'markdown', unit: 'runs', base: 2_000, make: (n) => Array.from({ length: n }, (_, i) => '`'.repeat(1 + (i % 700)) + ' @k ').join('') },
];

function read(family: Family, text: string): number {
  if (family.reader === 'bibtex') return parseBibtex(text, 'scaling.bib').entries.length;
  return scanDocument(text, family.reader as DocumentSyntax).citations.length;
}

interface Point {
  size: number;
  megabytes: number;
  bestMs: number;
  msPerMB: number;
  found: number;
}

interface FamilyResult {
  family: string;
  reader: string;
  unit: string;
  points: Point[];
  /** Time per MB at the largest size over time per MB at the smallest. */
  ratio: number;
  /** Fitted exponent of time over size. */
  exponent: number;
  superLinear: boolean;
}

/** Least-squares slope of log(time) over log(size): ≈1 linear, ≈2 quadratic. */
function exponent(points: Point[]): number {
  const xs = points.map((p) => Math.log(p.megabytes));
  const ys = points.map((p) => Math.log(Math.max(p.bestMs, 0.01)));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return num / den;
}

function measure(family: Family): FamilyResult {
  const points: Point[] = [];
  // Warm up the JIT on the smallest input, so the first size is not timed cold.
  read(family, family.make(family.base));
  for (const f of FACTORS) {
    const size = family.base * f;
    const text = family.make(size);
    const megabytes = text.length / 1048576; // characters → MB of (mostly ASCII) source
    let best = Infinity;
    let found = 0;
    for (let r = 0; r < RUNS; r++) {
      gc?.();
      const t0 = performance.now();
      found = read(family, text);
      best = Math.min(best, performance.now() - t0);
    }
    points.push({ size, megabytes, bestMs: best, msPerMB: best / megabytes, found });
  }
  const ratio = points[points.length - 1].msPerMB / points[0].msPerMB;
  return { family: family.name, reader: family.reader, unit: family.unit, points, ratio, exponent: exponent(points), superLinear: ratio > FLAG_RATIO };
}

function main(): void {
  if (!gc) console.warn('(run with --expose-gc for steadier numbers)');
  const results: FamilyResult[] = [];
  for (const family of families) {
    const r = measure(family);
    results.push(r);
    const p = r.points;
    console.log(`${r.superLinear ? 'SUPER-LINEAR' : 'linear      '}  ratio ${r.ratio.toFixed(2).padStart(6)}  exponent ${r.exponent.toFixed(2)}  ${r.family.padEnd(40)} ${p.map((x) => `${x.megabytes.toFixed(2)} MB ${x.bestMs.toFixed(1)} ms`).join(' | ')}`);
  }
  const out = join(__dirname, 'results');
  mkdirSync(out, { recursive: true });
  const meta = { date: new Date().toISOString(), node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, runs: RUNS, factors: FACTORS, flagRatio: FLAG_RATIO };
  writeFileSync(join(out, 'scaling.json'), JSON.stringify({ ...meta, results }, null, 2) + '\n');
  const md = [
    '# Scaling on hostile input',
    '',
    `\`npm run bench:scaling\` on ${meta.date.slice(0, 10)}, Node ${meta.node}, ${meta.cpus} CPUs (${meta.cpu}), best of ${RUNS} runs per size.`,
    `Sizes grow ×${FACTORS[FACTORS.length - 1]}; **ratio** is time per MB at the largest size over time per MB at the smallest (≈1 linear, ≈${FACTORS[FACTORS.length - 1]} quadratic); above ${FLAG_RATIO} is flagged.`,
    'Timings are approximate: the machine was shared with other jobs while this ran.',
    '',
    'The **exponent** is the least-squares slope of log time over log size (≈1 linear, ≈2 quadratic), steadier than the ratio when the smallest time is a few milliseconds.',
    '',
    '| family | reader | sizes | MB (smallest → largest) | ms | ms/MB (smallest → largest) | ratio | exponent | verdict |',
    '| --- | --- | --- | --- | --- | --- | ---: | ---: | --- |',
    ...results.map((r) => {
      const a = r.points[0];
      const z = r.points[r.points.length - 1];
      return `| ${r.family.replace(/\|/g, '\\|')} | ${r.reader} | ${a.size.toLocaleString('en')} → ${z.size.toLocaleString('en')} ${r.unit} | ${a.megabytes.toFixed(2)} → ${z.megabytes.toFixed(2)} | ${r.points.map((p) => p.bestMs.toFixed(1)).join(' / ')} | ${a.msPerMB.toFixed(1)} → ${z.msPerMB.toFixed(1)} | ${r.ratio.toFixed(2)} | ${r.exponent.toFixed(2)} | ${r.superLinear ? '**super-linear**' : 'linear'} |`;
    }),
    '',
  ].join('\n');
  writeFileSync(join(out, 'scaling.md'), md);
  console.log(`\nWrote ${join(out, 'scaling.json')} and scaling.md`);
  const flagged = results.filter((r) => r.superLinear);
  if (flagged.length) console.log(`Super-linear: ${flagged.map((r) => r.family).join(', ')}`);
}

main();
