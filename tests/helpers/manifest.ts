import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** Vite's build manifest of the client (SvelteKit writes it beside the client output). */
export const MANIFEST_PATH = resolve('.svelte-kit/output/client/.vite/manifest.json');

interface ManifestChunk {
	file: string;
	name?: string;
	src?: string;
	isEntry?: boolean;
	imports?: string[];
	dynamicImports?: string[];
	css?: string[];
}

/**
 * The modules that start the sync engine, loaded on demand: the app lock (it opens the sealed catalogue
 * first) and the composition root that opens the workspace, with everything they load.
 */
export const SYNC_ENGINE_MODULES = ['src/lib/state/app-lock.svelte.ts', 'src/lib/state/device-storage.ts'];
/**
 * Chunk names (Vite names a shared chunk after its first module) that belong to the sync engine wherever they
 * appear, whether or not the closure below reaches them: Yjs, Dexie, the vault, and noble's curves, hashes and
 * ciphers (a commons page checks signatures and fingerprints with WebCrypto and needs none of them).
 */
export const SYNC_ENGINE_NAMES = ['yjs', 'dexie', 'vault', 'crypto', 'workspace', 'y-indexeddb', 'catalogue', 'ed25519', 'sha2', 'chacha'];

/**
 * Small shared chunks both the shell and the engine import, with no sync code in them: the database-presence
 * check the shell uses to decide not to start the engine, bundler helpers, and base64url (lib0's buffer and
 * the encoding it needs) that a commons page uses to read an entry's key and signature. Everything else the
 * engine reaches counts as the engine, so a chunk it shares with the shell fails the check loudly (then
 * split it or name it here, with a reason) rather than passing unnoticed. `commons` is the chunk vite.config.ts
 * groups a commons page's reading code into (client, cache, signature check, formats); the engine publishes
 * and copies through the same client.
 */
export const SHARED_HELPER_NAMES = ['presence', 'preload-helper', 'rolldown-runtime', 'bytes', 'buffer', 'encoding', 'commons'];

function load(): Record<string, ManifestChunk> {
	return JSON.parse(readFileSync(MANIFEST_PATH, 'utf8')) as Record<string, ManifestChunk>;
}

/** Every chunk `keys` load, statically (and dynamically when asked); chunks in `stop` are not followed. */
function closure(manifest: Record<string, ManifestChunk>, keys: string[], dynamic: boolean, stop: ReadonlySet<string> = new Set()): Set<string> {
	const seen = new Set<string>();
	const stack = [...keys];
	while (stack.length > 0) {
		const key = stack.pop()!;
		if (seen.has(key) || !manifest[key]) continue;
		seen.add(key);
		if (stop.has(key)) continue;
		stack.push(...(manifest[key]!.imports ?? []), ...(dynamic ? (manifest[key]!.dynamicImports ?? []) : []));
	}
	return seen;
}

/**
 * The built files of the sync engine, by module, from the manifest: everything the core entry loads
 * (statically and dynamically) that the app's own entry does not load anyway, plus any chunk named after
 * a sync library. Maps each file (`_app/immutable/…`) to its module or chunk name, for messages.
 */
export function syncEngineFiles(): Map<string, string> {
	const manifest = load();
	const startKeys = Object.keys(manifest).filter((key) => manifest[key]!.isEntry && /entry\/(start|app)$/.test(manifest[key]!.name ?? ''));
	const always = closure(manifest, startKeys, false);
	const engine = new Map<string, string>();
	const missing = SYNC_ENGINE_MODULES.filter((module) => !manifest[module]);
	if (missing.length) throw new Error(`The build manifest has no chunk for ${missing.join(', ')}: is the sync engine still loaded on demand?`);
	// What the shell loads on demand (the Swedish messages, the lock screen) is not the engine's doing.
	for (const key of closure(manifest, SYNC_ENGINE_MODULES, true, always)) {
		if (!always.has(key) && !SHARED_HELPER_NAMES.includes(manifest[key]!.name ?? '')) engine.set(manifest[key]!.file, manifest[key]!.src ?? manifest[key]!.name ?? key);
	}
	for (const chunk of Object.values(manifest)) {
		// A module of the app's own outside the engine may share a name (the i18n `catalogue`): only shared
		// chunks, the engine's folders and libraries count by name.
		const outside = chunk.src !== undefined && !/^(src\/lib\/(sync|storage|state)\/|node_modules\/)/.test(chunk.src);
		if (chunk.name && SYNC_ENGINE_NAMES.includes(chunk.name) && !outside) engine.set(chunk.file, chunk.name);
	}
	return engine;
}

/**
 * The built file (`_app/immutable/…`) of a module (its source path) or of a shared chunk (Vite names one
 * after its first module, e.g. `yjs`). Throws when the build has none or several, so a renamed module fails
 * loudly instead of making an assertion about requests vacuous.
 */
export function chunkOf(moduleOrName: string): string {
	const manifest = load();
	const direct = manifest[moduleOrName];
	if (direct) return direct.file;
	const named = Object.entries(manifest).filter(([key, chunk]) => key.startsWith('_') && chunk.name === moduleOrName);
	if (named.length !== 1) throw new Error(`The build manifest has ${named.length} chunks named ${moduleOrName}`);
	return named[0]![1].file;
}
