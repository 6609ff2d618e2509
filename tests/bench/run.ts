// `npm run bench`: every benchmark of the app, printed as one table. Builds first when the build is stale.
import { measureCommonsEntryBundle, measureFirstStartBundle, measureHomeBundle } from './bundle';
import { guideBench } from './guide';
import { returningHomeBench } from './returning';
import { talkBench } from './talk';
import { vaultBench } from './vault';
import { searchBench } from './search';
import { soakBench } from './soak';
import { rotationBench } from './rotation';
import { printTable, type BenchRow } from './table';

const rows: BenchRow[] = [];
/** Runs one benchmark; one that fails is a row saying why, and the table still prints. */
async function measure(name: string, bench: () => Promise<BenchRow[]>): Promise<void> {
	try {
		rows.push(...(await bench()));
	} catch (error) {
		rows.push({ benchmark: `${name}: failed`, result: (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 200), target: 'runs', ok: false });
	}
}
await measure('first start bundle', measureFirstStartBundle);
await measure('home bundle', measureHomeBundle);
await measure('returning member', returningHomeBench);
await measure('commons entry bundle', measureCommonsEntryBundle);
await measure('vault', vaultBench);
await measure('guide', guideBench);
await measure('discussions', talkBench);
await measure('search', searchBench);
await measure('soak', soakBench);
await measure('rotation', rotationBench);
printTable(rows);
// Open handles (fake-indexeddb timers, sockets closing) must not keep the table from returning.
process.exit(0);
