import { describe, expect, it } from 'vitest';
import { groupTimeZones } from '../../../src/lib/actions/time';

describe('the time zone picker', () => {
	it('puts the device zone first, then groups by region, named by place and sorted', () => {
		const groups = groupTimeZones(['UTC', 'America/New_York', 'Europe/Stockholm', 'Europe/Berlin', 'America/Argentina/Buenos_Aires', 'Etc/GMT+2'], 'Europe/Stockholm');
		expect(groups.map((group) => group.region)).toEqual(['own', 'Europe', 'America', 'Other']);
		expect(groups[0]!.zones).toEqual([{ zone: 'Europe/Stockholm', place: 'Stockholm' }]);
		expect(groups[1]!.zones.map((zone) => zone.place)).toEqual(['Berlin', 'Stockholm']);
		expect(groups[2]!.zones.map((zone) => zone.place)).toEqual(['Argentina – Buenos Aires', 'New York']);
		expect(groups[3]!.zones.map((zone) => zone.zone)).toEqual(['Etc/GMT+2', 'UTC']);
	});

	it('groups every zone the runtime knows, none left out', () => {
		const zones = Intl.supportedValuesOf('timeZone');
		const groups = groupTimeZones(zones, 'UTC');
		expect(groups.slice(1).reduce((sum, group) => sum + group.zones.length, 0)).toBe(new Set(zones).size);
		expect(groups.length).toBeGreaterThan(6);
	});
});
