/**
 * Entry point of the VSIX stage (`node scripts/vscode/run-tests.js --vsix`): the packaged
 * extension installed with `code-server --install-extension` into a fresh extensions dir, no
 * development folder. Bundled by scripts/vscode/vsix.js into out/test/integration/index.vsix.js.
 */
import { runSuites } from './harness';

import './suites/vsix.test';
import './suites/smoke.test';

export async function run(): Promise<void> {
  await runSuites();
}
