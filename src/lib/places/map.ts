/**
 * Drawing the campaign map: a projection fitted to the places (with room around them), the Natural Earth
 * land and borders as SVG paths, and each place as a point. Pure: the outlines come in as TopoJSON, the
 * drawing goes out as path strings and coordinates, so it runs in Node for the tests. Framework-free.
 */
import { geoMercator, geoPath, type GeoPermissibleObjects } from 'd3-geo';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';

/** A place to draw: a point on the grid and what to call it. */
export interface MapPoint {
	lat: number;
	lon: number;
	label: string;
}

/** What the map component draws. */
export interface MapDrawing {
	land: string;
	borders: string;
	dots: { x: number; y: number; label: string }[];
}

/** Degrees shown around the places at least, so one town is not drawn filling the whole map. */
export const MIN_SPAN_DEGREES = 1.5;
/** Pixels kept free around the fitted area. */
const PADDING = 24;
/** Places drawn closer than this (pixels) share one dot and one label, so no label hides another. */
export const MERGE_PIXELS = 14;

/** Draws the outlines and the points into a `width` × `height` box fitted to the points. */
export function drawMap(world: unknown, points: readonly MapPoint[], width: number, height: number): MapDrawing {
	const topology = world as Topology<{ countries: GeometryCollection }>;
	const countries = feature(topology, topology.objects.countries);
	const borders = mesh(topology, topology.objects.countries, (a, b) => a !== b);
	const lats = points.map((point) => point.lat);
	const lons = points.map((point) => point.lon);
	const middle = (values: number[], fallback: number) => (values.length ? (Math.min(...values) + Math.max(...values)) / 2 : fallback);
	const half = (values: number[]) => Math.max(MIN_SPAN_DEGREES, values.length ? Math.max(...values) - Math.min(...values) : 60) / 2;
	const [cLat, cLon] = [middle(lats, 50), middle(lons, 10)];
	const [hLat, hLon] = [half(lats), half(lons)];
	const frame: GeoPermissibleObjects = {
		type: 'MultiPoint',
		coordinates: [
			[cLon - hLon, cLat - hLat],
			[cLon + hLon, cLat + hLat]
		]
	};
	const projection = geoMercator().fitExtent(
		[
			[PADDING, PADDING],
			[width - PADDING, height - PADDING]
		],
		frame
	);
	const path = geoPath(projection);
	return {
		land: path(countries) ?? '',
		borders: path(borders) ?? '',
		dots: mergeClose(
			points.map((point) => {
				const [x, y] = projection([point.lon, point.lat]) ?? [0, 0];
				return { x: Math.round(x * 10) / 10, y: Math.round(y * 10) / 10, label: point.label };
			})
		)
	};
}

/** Dots within MERGE_PIXELS of an earlier one join it: one dot, the labels listed once each. */
function mergeClose(dots: MapDrawing['dots']): MapDrawing['dots'] {
	const merged: { x: number; y: number; labels: string[] }[] = [];
	for (const dot of dots) {
		const near = merged.find((other) => Math.hypot(other.x - dot.x, other.y - dot.y) < MERGE_PIXELS);
		if (!near) merged.push({ x: dot.x, y: dot.y, labels: [dot.label] });
		else if (!near.labels.includes(dot.label)) near.labels.push(dot.label);
	}
	return merged.map(({ x, y, labels }) => ({ x, y, label: labels.join(', ') }));
}
