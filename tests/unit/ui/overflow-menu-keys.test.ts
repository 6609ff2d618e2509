import { describe, expect, it } from 'vitest';
import { menuFocusTarget } from '../../../src/lib/components/ui/menu';

describe('overflow menu keys', () => {
	it('move down and up with wrap-around, and jump to the ends', () => {
		expect(menuFocusTarget('ArrowDown', 0, 3)).toBe(1);
		expect(menuFocusTarget('ArrowDown', 2, 3)).toBe(0);
		expect(menuFocusTarget('ArrowUp', 0, 3)).toBe(2);
		expect(menuFocusTarget('ArrowUp', 2, 3)).toBe(1);
		expect(menuFocusTarget('Home', 2, 3)).toBe(0);
		expect(menuFocusTarget('End', 0, 3)).toBe(2);
	});

	it('start from the first item when focus is on none of them, and ignore other keys and empty menus', () => {
		expect(menuFocusTarget('ArrowDown', -1, 3)).toBe(0);
		expect(menuFocusTarget('ArrowUp', -1, 3)).toBe(2);
		expect(menuFocusTarget('a', 1, 3)).toBeUndefined();
		expect(menuFocusTarget('Enter', 1, 3)).toBeUndefined();
		expect(menuFocusTarget('ArrowDown', -1, 0)).toBeUndefined();
	});
});
