import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { distanceKm, matchPlaces, sliceFile, sliceKey, suggestPlaces, toGrid, type SliceRow } from '../../../src/lib/places/gazetteer';
import { drawMap } from '../../../src/lib/places/map';
import { nearPoint } from '../../../src/lib/commons/types';

const ROWS: SliceRow[] = [
	['Lund', 'SE', '27', 55.7, 13.2, 87244],
	['Lunde', 'NO', '08', 59.3, 9.1, 2000],
	['Lund', 'GB', 'ENG', 53.9, -0.5, 308],
	['Lundby', 'DK', '20', 55.1, 11.9, 1800]
];

describe('gazetteer', () => {
	it('slices by the first two folded letters and names slice files plainly', () => {
		expect(sliceKey('Lu')).toBe('lu');
		expect(sliceKey('Örebro')).toBe('or');
		expect(sliceKey("L'Aquila")).toBe('la');
		expect(sliceKey('L')).toBeUndefined();
		expect(sliceFile('lu')).toBe('30-39.json');
		expect(sliceFile('東京')).toMatch(/^[0-9a-z-]+\.json$/);
	});

	it('suggests names starting with what was typed, the exact spelling first, then by population', () => {
		expect(matchPlaces(ROWS, 'lund').map((place) => `${place.name} ${place.country}`)).toEqual(['Lund SE', 'Lund GB', 'Lunde NO', 'Lundby DK']);
		expect(matchPlaces(ROWS, 'lunde').map((place) => place.name)).toEqual(['Lunde']);
		expect(matchPlaces(ROWS, 'LUN', 2)).toHaveLength(2);
	});

	it('rounds to the 0.1° grid, and near points are spelled with one decimal', () => {
		expect(toGrid(55.70466)).toBe(55.7);
		expect(toGrid(13.19348)).toBe(13.2);
		expect(toGrid(-0.04)).toBe(-0);
		expect(nearPoint(55.70466, 13.19348)).toBe('55.7,13.2');
		expect(nearPoint(67.85572, 20.22513)).toBe('67.9,20.2');
	});

	it('measures great-circle distances', () => {
		expect(Math.round(distanceKm({ lat: 55.7, lon: 13.2 }, { lat: 55.6, lon: 13 }))).toBe(17);
		expect(distanceKm({ lat: 55.7, lon: 13.2 }, { lat: 67.9, lon: 20.2 })).toBeGreaterThan(1_300);
	});

	it('loads a slice once and answers from it; a missing slice means no places', async () => {
		const asked: string[] = [];
		const fetcher = (async (url: string) => {
			asked.push(url);
			if (url.endsWith('/30-39.json')) return new Response(JSON.stringify(ROWS));
			return new Response('', { status: 404 });
		}) as typeof fetch;
		expect((await suggestPlaces('lund', fetcher)).map((place) => place.name)).toEqual(['Lund', 'Lund', 'Lunde', 'Lundby']);
		expect((await suggestPlaces('lundb', fetcher)).map((place) => place.name)).toEqual(['Lundby']);
		expect(await suggestPlaces('qx', fetcher)).toEqual([]);
		expect(asked).toEqual(['/gazetteer/v1/30-39.json', '/gazetteer/v1/35-3c.json']);
	});
});

describe('the campaign map', () => {
	it('fits the places with room around them and draws land, borders and one dot each', () => {
		const require = createRequire(import.meta.url);
		const world = JSON.parse(readFileSync(require.resolve('world-atlas/countries-50m.json'), 'utf8'));
		const drawing = drawMap(world, [
			{ lat: 55.7, lon: 13.2, label: 'Lund' },
			{ lat: 55.6, lon: 13, label: 'Malmö' }
		], 340, 300);
		expect(drawing.land).toMatch(/^M/);
		expect(drawing.borders).toMatch(/^M/);
		expect(drawing.dots.map((dot) => dot.label)).toEqual(['Lund', 'Malmö']);
		for (const dot of drawing.dots) {
			expect(dot.x).toBeGreaterThan(24);
			expect(dot.x).toBeLessThan(316);
			expect(dot.y).toBeGreaterThan(24);
			expect(dot.y).toBeLessThan(276);
		}
		// Lund is east and north of Malmö.
		expect(drawing.dots[0]!.x).toBeGreaterThan(drawing.dots[1]!.x);
		expect(drawing.dots[0]!.y).toBeLessThan(drawing.dots[1]!.y);
	});

	it('draws places too close to tell apart at this scale as one dot with both names', () => {
		const require = createRequire(import.meta.url);
		const world = JSON.parse(readFileSync(require.resolve('world-atlas/countries-50m.json'), 'utf8'));
		const drawing = drawMap(world, [
			{ lat: 55.7, lon: 13.2, label: 'Lund' },
			{ lat: 55.6, lon: 13, label: 'Malmö' },
			{ lat: 55.6, lon: 13, label: 'Malmö' },
			{ lat: 67.9, lon: 20.2, label: 'Kiruna' }
		], 340, 300);
		expect(drawing.dots.map((dot) => dot.label)).toEqual(['Lund, Malmö', 'Kiruna']);
	});
});
