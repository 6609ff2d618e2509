/** One entry of an OverflowMenu: an action (`onselect`) or a link (`href`). */
export type MenuItem = {
	/** The item's text and accessible name (role menuitem). */
	label: string;
	onselect?: () => void;
	href?: string;
	/** Shown in the danger colour: it deletes or leaves something. */
	danger?: boolean;
	disabled?: boolean;
};

/** The index of the item a key moves focus to, or undefined for keys the menu does not handle. */
export function menuFocusTarget(key: string, current: number, count: number): number | undefined {
	if (count === 0) return undefined;
	switch (key) {
		case 'ArrowDown':
			return (current + 1) % count;
		case 'ArrowUp':
			return current < 0 ? count - 1 : (current - 1 + count) % count;
		case 'Home':
			return 0;
		case 'End':
			return count - 1;
		default:
			return undefined;
	}
}
