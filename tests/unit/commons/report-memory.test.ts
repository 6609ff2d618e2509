import { describe, expect, it } from 'vitest';
import { hasReported, rememberReported, reporterId, MAX_REMEMBERED_REPORTS, REPORTED_KEY, type ReportStore } from '../../../src/lib/commons/reports';

function store(): ReportStore & { items: Map<string, string> } {
	const items = new Map<string, string>();
	return { items, getItem: (key) => items.get(key) ?? null, setItem: (key, value) => void items.set(key, value) };
}

describe('commons report memory', () => {
	it('makes one random reporter id per device, 16 bytes in base64url', () => {
		const a = store();
		const id = reporterId(a);
		expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
		expect(reporterId(a)).toBe(id);
		expect(reporterId(store())).not.toBe(id);
	});

	it('remembers reported entries, survives a damaged list and forgets the oldest past the limit', () => {
		const a = store();
		expect(hasReported(a, 'x')).toBe(false);
		rememberReported(a, 'x');
		expect(hasReported(a, 'x')).toBe(true);
		a.items.set(REPORTED_KEY, '{not json');
		expect(hasReported(a, 'x')).toBe(false);
		for (let index = 0; index <= MAX_REMEMBERED_REPORTS; index++) rememberReported(a, `e${index}`);
		expect(hasReported(a, 'e0')).toBe(false);
		expect(hasReported(a, `e${MAX_REMEMBERED_REPORTS}`)).toBe(true);
	});
});
