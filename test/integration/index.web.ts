/**
 * Entry point of the integration tests in the web-worker extension host (the extension's
 * `browser` bundle). Bundled by scripts/build-tests.js into out/test/integration/index.web.js
 * and run by `node scripts/vscode/run-tests.js --web`.
 *
 * ADD HERE the suites from suites/ that make sense without Node (completion, hover, ...):
 * one `import './suites/<name>.test';` per file. Keep index.ts importing all of them.
 */
import { runSuites } from './harness';

import './suites/smoke.test';
import './suites/completion.test';
import './suites/hover.test';
import './suites/collections.test';
import './suites/navigation.test';
import './suites/diagnostics.test';
import './suites/security.test';
import './suites/nowrite.test';
import './suites/library.test';
import './suites/churn.test';
import './suites/typst.test';
import './suites/catalogRestart.test';

export async function run(): Promise<void> {
  await runSuites();
}
