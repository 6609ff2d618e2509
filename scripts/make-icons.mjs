// Draws Fieldbook's app icons (an open book on green) as PNGs with no image tooling installed.
// Run `node scripts/make-icons.mjs` after changing the design; the PNGs are committed in static/icons.
import { deflateSync } from 'node:zlib';
import { writeFileSync, mkdirSync } from 'node:fs';

const green = [31, 106, 67];
const paper = [251, 250, 247];
const spine = [200, 214, 204];

function crc32(buf) {
	let c,
		crc = 0xffffffff;
	for (let n = 0; n < buf.length; n++) {
		c = (crc ^ buf[n]) & 0xff;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		crc = (crc >>> 8) ^ c;
	}
	return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
	const len = Buffer.alloc(4);
	len.writeUInt32BE(data.length);
	const td = Buffer.concat([Buffer.from(type), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(td));
	return Buffer.concat([len, td, crc]);
}

function png(size, pixel) {
	const raw = Buffer.alloc((size * 4 + 1) * size);
	for (let y = 0; y < size; y++) {
		raw[y * (size * 4 + 1)] = 0;
		for (let x = 0; x < size; x++) {
			const [r, g, b, a] = pixel((x + 0.5) / size, (y + 0.5) / size);
			const o = y * (size * 4 + 1) + 1 + x * 4;
			raw[o] = r;
			raw[o + 1] = g;
			raw[o + 2] = b;
			raw[o + 3] = a;
		}
	}
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(size, 0);
	ihdr.writeUInt32BE(size, 4);
	ihdr[8] = 8;
	ihdr[9] = 6;
	return Buffer.concat([
		Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
		chunk('IHDR', ihdr),
		chunk('IDAT', deflateSync(raw, { level: 9 })),
		chunk('IEND', Buffer.alloc(0))
	]);
}

/** The book: two pages meeting at a spine, scaled into a box of `scale` around the centre. */
function book(u, v, scale) {
	const x = (u - 0.5) / scale;
	const y = (v - 0.5) / scale;
	const inPages = Math.abs(x) < 0.42 && y > -0.28 + Math.abs(x) * 0.18 && y < 0.3 + Math.abs(x) * 0.02;
	if (!inPages) return null;
	if (Math.abs(x) < 0.018) return spine;
	const lines = Math.abs(x) > 0.08 && Math.abs(x) < 0.34 && Math.abs(((y + 1) * 12) % 1 - 0.5) < 0.09 && y > -0.12 && y < 0.2;
	return lines ? spine : paper;
}

function roundedSquare(u, v, r) {
	const dx = Math.max(Math.abs(u - 0.5) - (0.5 - r), 0);
	const dy = Math.max(Math.abs(v - 0.5) - (0.5 - r), 0);
	return Math.hypot(dx, dy) <= r;
}

function anyIcon(u, v) {
	if (!roundedSquare(u, v, 0.18)) return [0, 0, 0, 0];
	return [...(book(u, v, 0.95) ?? green), 255];
}

function maskableIcon(u, v) {
	// Maskable icons fill the square; the book stays inside the 80 % safe zone.
	return [...(book(u, v, 0.7) ?? green), 255];
}

mkdirSync('static/icons', { recursive: true });
writeFileSync('static/icons/icon-192.png', png(192, anyIcon));
writeFileSync('static/icons/icon-512.png', png(512, anyIcon));
writeFileSync('static/icons/maskable-512.png', png(512, maskableIcon));
console.log('icons written to static/icons');
