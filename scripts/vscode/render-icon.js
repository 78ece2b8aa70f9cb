#!/usr/bin/env node
// Renders media/icon.svg to media/icon.png (256×256) with the headless Chromium that the
// integration tests use (scripts/vscode/install.js). Run after editing the SVG:
//   node scripts/vscode/render-icon.js
'use strict';
const fs = require('fs');
const path = require('path');
const { launchBrowser, repoRoot } = require('./server');

async function main() {
  const svg = fs.readFileSync(path.join(repoRoot, 'media', 'icon.svg'), 'utf8');
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 256, height: 256 } });
    await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
    await page.locator('svg').screenshot({ path: path.join(repoRoot, 'media', 'icon.png'), omitBackground: true });
  } finally {
    await browser.close();
  }
  console.log('media/icon.png written');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
