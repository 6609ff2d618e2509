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
rows.push(...(await measureFirstStartBundle()));
rows.push(...(await measureHomeBundle()));
rows.push(...(await returningHomeBench()));
rows.push(...(await measureCommonsEntryBundle()));
rows.push(...(await vaultBench()));
rows.push(...(await guideBench()));
rows.push(...(await talkBench()));
rows.push(...(await searchBench()));
rows.push(...(await soakBench()));
rows.push(...(await rotationBench()));
printTable(rows);
// Open handles (fake-indexeddb timers, sockets closing) must not keep the table from returning.
process.exit(0);
