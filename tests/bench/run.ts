// `npm run bench`: every benchmark of the app, printed as one table. Builds first when the build is stale.
import { measureHomeBundle } from './bundle';
import { printTable, type BenchRow } from './table';

const rows: BenchRow[] = [];
rows.push(...(await measureHomeBundle()));
printTable(rows);
