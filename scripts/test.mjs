// `npm test`: type check, build, then every vitest project (unit, contract, relay, end-to-end in Chromium).
// Closes with one plain line `N passed, N failed` that CI reads.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { ensureChromium, ensureDependencies, run, step } from './lib.mjs';

const REPORT = 'test-results/vitest.json';

await ensureDependencies();
await ensureChromium();

let passed = 0;
let failed = 0;

await step('svelte-kit sync', 'npx', ['svelte-kit', 'sync']);
console.log('\n— Type check (svelte-check and the relay) —');
const typeCheck =
	(await run('npx', ['svelte-check', '--tsconfig', './tsconfig.json', '--threshold', 'error'])) === 0 &&
	(await run('npx', ['tsc', '-p', 'sync-server', '--noEmit'])) === 0;
if (typeCheck) passed++;
else failed++;

console.log('\n— Build —');
await step('build', 'npm', ['run', 'build']);

console.log('\n— Tests —');
mkdirSync('test-results', { recursive: true });
rmSync(REPORT, { force: true });
const extra = process.argv.slice(2);
const vitestCode = await run('npx', [
	'vitest',
	'run',
	'--reporter=default',
	'--reporter=json',
	`--outputFile.json=${REPORT}`,
	...extra
]);

if (existsSync(REPORT)) {
	const report = JSON.parse(readFileSync(REPORT, 'utf8'));
	passed += report.numPassedTests ?? 0;
	failed += report.numFailedTests ?? 0;
	// A file that failed to load has no tests to count; it still fails the run.
	const brokenFiles = (report.testResults ?? []).filter(
		(file) => file.status === 'failed' && (file.assertionResults ?? []).length === 0
	).length;
	failed += brokenFiles;
} else {
	failed++;
}
if (vitestCode !== 0 && failed === 0) failed++;

console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
