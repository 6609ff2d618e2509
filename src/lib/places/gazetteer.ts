/**
 * Places from the GeoNames gazetteer (cities of 1,000 people or more, CC BY 4.0), cut at build time by
 * scripts/gazetteer.ts into small slices under /gazetteer/, one per first two letters of a name as search
 * folds it. Picking a place loads one slice (a few kB to ~100 kB), never the whole list; the service worker
 * keeps every slice once fetched. Coordinates are already rounded to the 0.1° grid (about 10 km): that is all
 * the app ever stores or publishes of a place. Framework-free.
 */
import { foldTerm } from '../search/fold';

/** Where the slices are served. The version changes when their format does. */
export const GAZETTEER_PATH = '/gazetteer/v1';
/** Letters of a name that choose its slice. */
export const SLICE_LETTERS = 2;
/** Most places a type-ahead offers. */
export const MAX_SUGGESTIONS = 8;
/** The grid every stored and sent coordinate is rounded to: 0.1° (about 11 km north–south). */
export const GRID_DECIMALS = 1;
/** Who made the data, shown wherever places are picked or drawn (CC BY 4.0 asks for it). */
export const GAZETTEER_ATTRIBUTION = 'GeoNames (geonames.org), CC BY 4.0';

/** A place as the app keeps it: a name and a point on the 0.1° grid, plus its country and region codes. */
export interface Place {
	name: string;
	/** ISO 3166-1 alpha-2 country code. */
	country: string;
	/** GeoNames first-level region code within the country ("27" is Skåne in Sweden). */
	region: string;
	lat: number;
	lon: number;
}

/** One row of a slice: name, country, region, lat, lon, population (for ranking). */
export type SliceRow = [string, string, string, number, number, number];

/** A coordinate on the 0.1° grid. */
export function toGrid(value: number): number {
	const factor = 10 ** GRID_DECIMALS;
	return Math.round(value * factor) / factor;
}

/** The letters of a name as search folds them (letters and digits only). */
function letters(name: string): string {
	return [...foldTerm(name)].filter((char) => /[\p{L}\p{N}]/u.test(char)).join('');
}

/** The slice a name (or a typed prefix of one) is in; undefined until enough letters are typed. */
export function sliceKey(text: string): string | undefined {
	const key = [...letters(text)].slice(0, SLICE_LETTERS).join('');
	return [...key].length === SLICE_LETTERS ? key : undefined;
}

/** A slice's file name: the key's code points in base 36, so any script makes a plain file name. */
export function sliceFile(key: string): string {
	return `${[...key].map((char) => char.codePointAt(0)!.toString(36)).join('-')}.json`;
}

/** The places of a slice whose name starts with the typed text (folded), biggest first. */
export function matchPlaces(rows: readonly SliceRow[], typed: string, limit = MAX_SUGGESTIONS): Place[] {
	const wanted = letters(typed);
	const exact = typed.trim().toLowerCase();
	const found: { row: SliceRow; score: number }[] = [];
	for (const row of rows) {
		if (!letters(row[0]).startsWith(wanted)) continue;
		// A name spelled exactly as typed first (Lund before Lunde), then by population.
		found.push({ row, score: (row[0].toLowerCase() === exact ? 1e12 : 0) + row[5] });
	}
	found.sort((a, b) => b.score - a.score);
	return found.slice(0, limit).map(({ row }) => ({ name: row[0], country: row[1], region: row[2], lat: row[3], lon: row[4] }));
}

/** Great-circle distance in km between two points (haversine). */
export function distanceKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
	const rad = Math.PI / 180;
	const dLat = (b.lat - a.lat) * rad;
	const dLon = (b.lon - a.lon) * rad;
	const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
	return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** A place's name with its country in the reader's language ("Lund, Sverige"). */
export function placeLabel(place: Pick<Place, 'name' | 'country'>, locale: string): string {
	try {
		const country = new Intl.DisplayNames([locale], { type: 'region' }).of(place.country);
		return country ? `${place.name}, ${country}` : place.name;
	} catch {
		return place.name;
	}
}

const slices = new Map<string, Promise<SliceRow[]>>();

/** Suggestions for what was typed, loading its slice once per visit (the service worker keeps it offline). */
export async function suggestPlaces(typed: string, fetcher: typeof fetch = fetch): Promise<Place[]> {
	const key = sliceKey(typed);
	if (!key) return [];
	let slice = slices.get(key);
	if (!slice) {
		slice = fetcher(`${GAZETTEER_PATH}/${sliceFile(key)}`).then(async (response) => {
			// No slice for these letters: no place starts with them.
			if (response.status === 404) return [];
			if (!response.ok) throw new Error(`gazetteer slice ${key}: HTTP ${response.status}`);
			return (await response.json()) as SliceRow[];
		});
		slice.catch(() => slices.delete(key));
		slices.set(key, slice);
	}
	return matchPlaces(await slice, typed);
}
