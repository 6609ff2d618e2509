/**
 * Formats one date in the device's language and reads its zone, then says so and ends: the platform loads
 * its locale and time zone data the first time anything in the page's process needs them, and that load
 * then happens here instead of on the main thread (see locale-data.ts).
 */
const FORMAT: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' };

self.onmessage = () => {
	try {
		new Intl.DateTimeFormat(undefined, FORMAT).formatRange(0, 3_600_000);
		void Intl.DateTimeFormat().resolvedOptions().timeZone;
	} finally {
		self.postMessage(true);
		self.close();
	}
};
