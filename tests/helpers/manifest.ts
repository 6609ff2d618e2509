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
/** Chunk names (Vite names a shared chunk after its first module) that belong to the sync engine wherever they appear. */
export const SYNC_ENGINE_NAMES = ['yjs', 'dexie', 'vault', 'crypto', 'workspace', 'y-indexeddb', 'catalogue'];

/** Small shared chunks both the shell and the engine import (no sync code in them): the database-presence
 * check the shell uses to decide not to start the engine, bundler helpers, and the primitives a commons page
 * needs to check an entry's signature and fingerprint its key (Ed25519, SHA-256, base64url and lib0 bytes). */
export const SHARED_HELPER_NAMES = ['presence', 'preload-helper', 'rolldown-runtime', 'ed25519', 'sha2', 'bytes', 'buffer', 'encoding'];

function load(): Record<string, ManifestChunk> {
	return JSON.parse(readFileSync(MANIFEST_PATH, 'utf8')) as Record<string, ManifestChunk>;
}

function closure(manifest: Record<string, ManifestChunk>, keys: string[], dynamic: boolean): Set<string> {
	const seen = new Set<string>();
	const stack = [...keys];
	while (stack.length > 0) {
		const key = stack.pop()!;
		if (seen.has(key) || !manifest[key]) continue;
		seen.add(key);
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
	for (const key of closure(manifest, SYNC_ENGINE_MODULES, true)) {
		if (!always.has(key) && !SHARED_HELPER_NAMES.includes(manifest[key]!.name ?? '')) engine.set(manifest[key]!.file, manifest[key]!.src ?? manifest[key]!.name ?? key);
	}
	for (const chunk of Object.values(manifest)) {
		if (chunk.name && SYNC_ENGINE_NAMES.includes(chunk.name)) engine.set(chunk.file, chunk.name);
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
