import { sveltekit } from '@sveltejs/kit/vite';
import { SvelteKitPWA } from '@vite-pwa/sveltekit';
import { defineConfig } from 'vite';

/** Where `npm run dev` forwards websocket and API traffic: a relay started by scripts/dev.mjs. */
const devRelay = process.env.FIELDBOOK_DEV_RELAY ?? 'http://127.0.0.1:8787';

export default defineConfig({
	plugins: [
		sveltekit(),
		SvelteKitPWA({
			// The update flow is ours (workbox-window + `Update now`), so nothing is injected and a new
			// worker waits until the person chooses to update.
			registerType: 'prompt',
			injectRegister: false,
			strategies: 'generateSW',
			filename: 'sw.js',
			manifestFilename: 'manifest.webmanifest',
			manifest: {
				id: '/',
				name: 'Fieldbook',
				short_name: 'Fieldbook',
				description:
					'Playbooks, discussions and actions for social movements. Works offline, end-to-end encrypted.',
				start_url: '/',
				scope: '/',
				display: 'standalone',
				orientation: 'portrait',
				theme_color: '#1f6a43',
				background_color: '#fbfaf7',
				lang: 'en',
				categories: ['productivity', 'social'],
				icons: [
					{ src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
					{ src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
					{ src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' }
				]
			},
			workbox: {
				// Every route chunk and asset is precached, so any screen opens in airplane mode.
				globPatterns: ['client/**/*.{js,css,html,ico,png,svg,webmanifest,woff2}'],
				navigateFallback: '/',
				navigateFallbackDenylist: [/^\/sync\//, /^\/api\//, /^\/healthz/, /^\/metrics/],
				cleanupOutdatedCaches: true,
				// A first visit is taken over at once, so going offline right after it still works.
				clientsClaim: true,
				maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
				// Gazetteer slices and the map's outlines are too big to precache for everyone: each is kept the
				// first time it is used, and from then on works offline.
				runtimeCaching: [
					{
						urlPattern: ({ url }) => url.pathname.startsWith('/gazetteer/'),
						handler: 'CacheFirst',
						options: { cacheName: 'fieldbook-gazetteer' }
					},
					{
						urlPattern: ({ url }) => /^\/_app\/immutable\/assets\/.*\.json$/.test(url.pathname),
						handler: 'CacheFirst',
						options: { cacheName: 'fieldbook-map' }
					}
				]
			},
			kit: {
				adapterFallback: 'index.html',
				spa: { fallbackMapping: '/' }
			}
		})
	],
	server: {
		proxy: {
			'/sync': { target: devRelay, ws: true },
			'/api': { target: devRelay }
		}
	},
	build: {
		target: 'es2022',
		rolldownOptions: {
			output: {
				codeSplitting: {
					groups: [
						{
							// The wait for a returning member's groups to paint (src/lib/boot/gate.ts): its own chunk,
							// imported by the shell's, so nothing of the shell evaluates before its top-level await.
							name: 'boot-gate',
							test: /src[\\/]lib[\\/]boot[\\/]gate\.ts$/,
							priority: 20
						},
						{
							// Fewer, larger files on every first visit: what each screen needs before its first paint
							// (Svelte, SvelteKit's client, the shell's English messages and the boot state) is one
							// file, compressed as one, instead of a dozen small requests.
							name: 'shell',
							test: /node_modules[\\/](svelte|@sveltejs[\\/]kit|esm-env|devalue|clsx)[\\/]|src[\\/]lib[\\/]i18n[\\/](index\.svelte|catalogue-public|types|messages[\\/](shell|commons|finding|ui))\.ts$|src[\\/]lib[\\/]state[\\/](workspace|connectivity)\.svelte\.ts$|src[\\/]lib[\\/](storage[\\/]presence|format)\.ts$/,
							priority: 10
						},
						{
							// What a shared commons page reads an entry with: one file rather than seven small ones.
							name: 'commons',
							test: /src[\\/]lib[\\/](commons[\\/](client|service|types|cache|verify|reports)|components[\\/]commons[\\/]format|actions[\\/]time)\.ts$/,
							priority: 5
						}
					]
				}
			}
		}
	}
});
