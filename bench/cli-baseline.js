// The baseline for `citelens parse --json` (see cli-bench.ts): bibtex-parse, then JSON.stringify.
'use strict';
const { readFileSync } = require('node:fs');
const bibtexParse = require('bibtex-parse');

const text = readFileSync(process.argv[2], 'utf8');
process.stdout.write(JSON.stringify(bibtexParse.entries(text), null, 2) + '\n');
