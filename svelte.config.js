import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** SvelteKit as a static SPA: the relay serves `build/`, and every unknown path falls back to the shell. */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter({ fallback: 'index.html', precompress: true, strict: true }),
		// Absolute asset paths, so a deep link opened offline still loads the shell's chunks.
		paths: { relative: false },
		serviceWorker: { register: false }
	},
	compilerOptions: { runes: true }
};

export default config;
