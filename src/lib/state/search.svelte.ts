/**
 * Offline search as the UI sees it: one in-memory SearchIndex (src/lib/search) over every group's guides,
 * discussions and actions and the commons entries kept on this device. Built the first time the Search
 * screen opens, then kept current as documents change (remote changes included) for the rest of the visit.
 * The index is never stored: it holds plaintext, and only sealed data may rest on the device.
 */
import type * as Y from 'yjs';
import { SearchIndex, type SearchHit } from '$lib/search/index';
import { actionSearchDocs, commonsSearchDocs, guideSearchDocs, threadSearchDocs, type SearchGroup } from '$lib/search/extract';
import type { DocIndexEntry, GroupRecord, GroupVault, OpenDoc } from '$lib/sync/api';
import { app } from './workspace.svelte';

/** A burst of edits (typing in a guide) re-indexes a document once, this long after the last change. */
export const REINDEX_DELAY_MS = 300;

function searchDocs(group: SearchGroup, docId: string, entry: DocIndexEntry, doc: Y.Doc) {
	if (entry.type === 'guide') return guideSearchDocs(group, docId, doc, entry.updated);
	if (entry.type === 'discussion') return threadSearchDocs(group, docId, doc, entry.updated, entry.title);
	return actionSearchDocs(group, docId, doc, entry.updated);
}

class Search {
	#index = new SearchIndex();
	/** Bumped whenever the index changed, so results derived from it are computed again. */
	#version = $state(0);
	/** Documents still opening; the screen says the index is being built while any are. */
	#opening = $state(0);
	#groups = new Map<string, () => void>();
	#commonsLoaded = false;

	/** Whether documents are still being read into the index. */
	get building(): boolean {
		return this.#opening > 0;
	}

	/** The best hits for what someone typed; re-runs when the index changes. */
	search(text: string): SearchHit[] {
		void this.#version;
		return this.#index.search(text);
	}

	/** Indexes every group on this device (again for groups added since), and the kept commons entries. */
	sync(groups: readonly GroupRecord[]): void {
		const wanted = new Set(groups.map((group) => group.id));
		for (const [id, stop] of this.#groups) {
			if (wanted.has(id)) continue;
			stop();
			this.#groups.delete(id);
			this.#index.removeWhere(`${id}/`);
			this.#version++;
		}
		for (const group of groups) {
			if (this.#groups.has(group.id)) continue;
			let stopped = false;
			let stop: () => void = () => void (stopped = true);
			this.#groups.set(group.id, () => stop());
			this.#opening++;
			app.vault(group.id).then(
				(vault) => {
					this.#opening--;
					if (!stopped) stop = this.#watchGroup(vault, group);
				},
				() => {
					// A group that cannot open is left out; its own screen says why.
					this.#opening--;
					this.#groups.delete(group.id);
				}
			);
		}
		if (!this.#commonsLoaded) {
			this.#commonsLoaded = true;
			this.#opening++;
			void import('$lib/commons/service')
				.then(({ keptEntries }) => keptEntries())
				.then((entries) => {
					for (const entry of entries) this.#index.set(`commons/${entry.id}`, commonsSearchDocs(entry));
					this.#version++;
				})
				.catch(() => undefined)
				.finally(() => this.#opening--);
		}
	}

	/** Indexes a group's documents and follows its doc index; returns the function that stops following. */
	#watchGroup(vault: GroupVault, record: GroupRecord): () => void {
		const group: SearchGroup = { id: record.id, name: record.name };
		const watched = new Map<string, { stop(): void; refresh(): void }>();
		const forget = (docId: string) => {
			watched.get(docId)?.stop();
			watched.delete(docId);
			this.#index.remove(`${group.id}/${docId}`);
			this.#version++;
		};
		const follow = (docId: string) => {
			const entry = vault.indexMap.get(docId);
			if (!entry || entry.deleted) return forget(docId);
			if (watched.has(docId)) return watched.get(docId)!.refresh();
			let timer: ReturnType<typeof setTimeout> | undefined;
			let doc: Y.Doc | undefined;
			let stopped = false;
			let opened: Promise<OpenDoc> | undefined;
			const reindex = () => {
				timer = undefined;
				const current = vault.indexMap.get(docId);
				if (!doc || !current || current.deleted) return;
				this.#index.set(`${group.id}/${docId}`, searchDocs(group, docId, current, doc));
				this.#version++;
			};
			const onUpdate = () => {
				clearTimeout(timer);
				timer = setTimeout(reindex, REINDEX_DELAY_MS);
			};
			watched.set(docId, {
				stop: () => {
					stopped = true;
					clearTimeout(timer);
					doc?.off('update', onUpdate);
					opened?.then((handle) => handle.close()).catch(() => undefined);
				},
				refresh: onUpdate
			});
			this.#opening++;
			// Held open while the search follows the group, so its changes are indexed as they come.
			opened = vault.open(docId);
			opened.then(
				(opened) => {
					this.#opening--;
					if (stopped) return;
					doc = opened.doc;
					doc.on('update', onUpdate);
					reindex();
				},
				() => {
					this.#opening--;
					watched.delete(docId);
				}
			);
		};
		const onIndex = (event: Y.YMapEvent<DocIndexEntry>) => {
			for (const docId of event.keysChanged) follow(docId);
		};
		for (const docId of vault.indexMap.keys()) follow(docId);
		vault.indexMap.observe(onIndex);
		return () => {
			vault.indexMap.unobserve(onIndex);
			for (const doc of watched.values()) doc.stop();
			watched.clear();
		};
	}
}

/** The app-wide offline search. */
export const search = new Search();
