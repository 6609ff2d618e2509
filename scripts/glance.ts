// Builds src/lib/boot/glance.ts on its own into static/boot/glance.js, the module app.html's boot script loads
// to paint a returning member's groups before the app has booted: build output only, never committed.
// Run by `npm run build`, before Vite builds the app (whose service worker then precaches it).
import { build } from 'vite';

await build({
	configFile: false,
	logLevel: 'warn',
	publicDir: false,
	build: {
		target: 'es2022',
		outDir: 'static/boot',
		emptyOutDir: true,
		minify: true,
		lib: { entry: 'src/lib/boot/glance.ts', formats: ['es'], fileName: () => 'glance.js' }
	}
});
