/**
 * Entry point of the integration tests in the Node extension host. Bundled by
 * scripts/build-tests.js into out/test/integration/index.js and loaded by VS Code as
 * `extensionTestsPath` (scripts/vscode/run-tests.js with code-server, or
 * test/integration/electron.js with desktop VS Code), which calls run().
 *
 * ADD NEW SUITES HERE: one `import './suites/<name>.test';` per file in suites/
 * (and in index.web.ts too if the suite makes sense in the web-worker host).
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
