/**
 * Wall-clock times in a named time zone. An action is planned as "18:00 in Europe/Stockholm" (what the
 * organisers mean, and what stays right when the rules for daylight saving change); lists and calendars
 * need the absolute moment, which these functions derive with the browser's own zone data (Intl).
 */

/** The shape of a `datetime-local` value: `YYYY-MM-DDTHH:mm`, optionally with seconds. */
export const LOCAL_DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** The parts of a wall-clock time. */
export interface LocalParts {
	year: number;
	month: number;
	day: number;
	hour: number;
	minute: number;
	second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
	let format = formatters.get(timeZone);
	if (!format) {
		format = new Intl.DateTimeFormat('en-US', {
			timeZone,
			hourCycle: 'h23',
			year: 'numeric',
			month: 'numeric',
			day: 'numeric',
			hour: 'numeric',
			minute: 'numeric',
			second: 'numeric'
		});
		formatters.set(timeZone, format);
	}
	return format;
}

/** Whether the runtime knows this IANA zone name. */
export function isTimeZone(timeZone: unknown): timeZone is string {
	if (typeof timeZone !== 'string' || !timeZone) return false;
	try {
		formatter(timeZone);
		return true;
	} catch {
		return false;
	}
}

/** The device's own zone, for new actions. */
export function deviceTimeZone(): string {
	return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Every zone the runtime knows (for the zone picker); the device's zone when the list is unavailable. */
export function knownTimeZones(): string[] {
	const supported = (Intl as unknown as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf;
	const zones = supported ? supported('timeZone') : [];
	const own = deviceTimeZone();
	return zones.includes(own) ? zones : [own, ...zones];
}

/** The regions IANA zone names start with, in the order a zone picker lists them. */
export const ZONE_REGIONS = ['Europe', 'Africa', 'America', 'Asia', 'Atlantic', 'Australia', 'Indian', 'Pacific', 'Antarctica', 'Arctic', 'Other'] as const;

/** A region of a zone picker. */
export type ZoneRegion = (typeof ZONE_REGIONS)[number];

/** One zone as a picker shows it: its IANA name, and its place name without the region. */
export interface ZoneChoice {
	zone: string;
	place: string;
}

/**
 * Zones grouped for a picker: the device's own zone first (group `own`), then one group per region, each
 * sorted by place; `UTC` and the `Etc/…` names go under `Other`. Pure, so tests give it any list.
 */
export function groupTimeZones(zones: readonly string[], own: string): { region: ZoneRegion | 'own'; zones: ZoneChoice[] }[] {
	const choice = (zone: string): ZoneChoice => ({ zone, place: zone.includes('/') ? zone.slice(zone.indexOf('/') + 1).replace(/_/g, ' ').replace(/\//g, ' – ') : zone });
	const byRegion = new Map<ZoneRegion, ZoneChoice[]>();
	for (const zone of new Set(zones)) {
		const head = zone.split('/')[0] as ZoneRegion;
		const region: ZoneRegion = zone.includes('/') && (ZONE_REGIONS as readonly string[]).includes(head) ? head : 'Other';
		const list = byRegion.get(region) ?? [];
		list.push(choice(zone));
		byRegion.set(region, list);
	}
	const groups: { region: ZoneRegion | 'own'; zones: ZoneChoice[] }[] = [{ region: 'own', zones: [choice(own)] }];
	for (const region of ZONE_REGIONS) {
		const list = byRegion.get(region);
		if (list) groups.push({ region, zones: list.sort((a, b) => a.place.localeCompare(b.place)) });
	}
	return groups;
}

/** Parses a `datetime-local` value; undefined when malformed. */
export function parseLocal(value: string): LocalParts | undefined {
	const match = LOCAL_DATETIME.exec(value);
	if (!match) return undefined;
	const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0)) as number[];
	const parts = { year: year!, month: month!, day: day!, hour: hour!, minute: minute!, second: second ?? 0 };
	const check = new Date(Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second));
	if (check.getUTCMonth() !== parts.month - 1 || check.getUTCDate() !== parts.day || parts.hour > 23) return undefined;
	return parts;
}

/** The wall-clock parts of an absolute moment in a zone. */
export function partsInZone(epochMs: number, timeZone: string): LocalParts {
	const values: Record<string, number> = {};
	for (const part of formatter(timeZone).formatToParts(new Date(epochMs))) {
		if (part.type !== 'literal') values[part.type] = Number(part.value);
	}
	return {
		year: values.year!,
		month: values.month!,
		day: values.day!,
		hour: values.hour! % 24,
		minute: values.minute!,
		second: values.second!
	};
}

/** The zone's offset from UTC at a moment, in minutes (Stockholm in summer: 120). */
export function offsetMinutes(epochMs: number, timeZone: string): number {
	const p = partsInZone(epochMs, timeZone);
	const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
	return Math.round((asUtc - Math.floor(epochMs / 1000) * 1000) / 60_000);
}

/**
 * The absolute moment of a wall-clock time in a zone. In the hour skipped by a spring-forward the time is
 * read with the offset from before the change (02:30 becomes 03:30); in the repeated autumn hour the first
 * occurrence wins — the same choices RFC 5545 makes for calendar apps.
 */
export function zonedToEpoch(local: string, timeZone: string): number | undefined {
	const parts = parseLocal(local);
	if (!parts || !isTimeZone(timeZone)) return undefined;
	const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
	const before = offsetMinutes(asUtc - 86_400_000, timeZone);
	const after = offsetMinutes(asUtc + 86_400_000, timeZone);
	// Try the earlier offset first (first occurrence of a repeated hour), then the later one.
	for (const offset of before >= after ? [before, after] : [after, before]) {
		const candidate = asUtc - offset * 60_000;
		if (offsetMinutes(candidate, timeZone) === offset) return candidate;
	}
	return asUtc - before * 60_000;
}

/** A moment as a `datetime-local` value in a zone. */
export function epochToLocal(epochMs: number, timeZone: string): string {
	const p = partsInZone(epochMs, timeZone);
	const pad = (n: number, width = 2) => String(n).padStart(width, '0');
	return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

/** A zone's change of offset: the moment, and the offsets before and after (minutes). */
export interface Transition {
	at: number;
	from: number;
	to: number;
}

/** Every change of offset in a zone between two moments (found day by day, then to the minute). */
export function transitions(timeZone: string, fromMs: number, toMs: number): Transition[] {
	const day = 86_400_000;
	const found: Transition[] = [];
	let previous = offsetMinutes(fromMs, timeZone);
	for (let t = fromMs + day; t <= toMs + day; t += day) {
		const offset = offsetMinutes(t, timeZone);
		if (offset === previous) continue;
		let low = t - day;
		let high = t;
		while (high - low > 60_000) {
			const middle = low + Math.floor((high - low) / 120_000) * 60_000;
			if (offsetMinutes(middle, timeZone) === previous) low = middle;
			else high = middle;
		}
		found.push({ at: high, from: previous, to: offset });
		previous = offset;
	}
	return found;
}
