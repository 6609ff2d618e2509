/**
 * What each kind of document gives the search index (index.ts), read from its decrypted inner `Y.Doc` or
 * from a kept commons entry. Framework-free; runs in Node for the unit tests and the benchmark.
 */
import * as Y from 'yjs';
import { readAction } from '../actions/action';
import { Thread } from '../discussions/thread';
import { guideBody, readFields } from '../guides/schema';
import type { BodyNode, Entry } from '../commons/types';
import type { SearchDoc } from './index';

/** The group a document belongs to. */
export interface SearchGroup {
	id: string;
	name: string;
}

function plainText(node: Y.XmlElement | Y.XmlText | Y.XmlHook): string {
	if (node instanceof Y.XmlText) return node.toString().replace(/<[^>]+>/g, '');
	if (node instanceof Y.XmlElement) return node.toArray().map((child) => plainText(child as Y.XmlElement | Y.XmlText)).join(' ');
	return '';
}

/** A guide body's top-level blocks as text: one per paragraph, heading, list or quote, in order. */
export function guideBlocks(doc: Y.Doc): string[] {
	return guideBody(doc)
		.toArray()
		.map((node) => plainText(node as Y.XmlElement | Y.XmlText).replace(/\s+/g, ' ').trim());
}

/** A guide: title, tags and its blocks (so a hit can open at the matching paragraph). */
export function guideSearchDocs(group: SearchGroup, docId: string, doc: Y.Doc, updated: number): SearchDoc[] {
	const fields = readFields(doc);
	return [
		{
			id: `${group.id}/${docId}`,
			source: `${group.id}/${docId}`,
			kind: 'guide',
			groupId: group.id,
			groupName: group.name,
			title: fields.title,
			tags: fields.tags,
			blocks: guideBlocks(doc),
			href: `/g/${group.id}/guides/${docId}`,
			time: updated
		}
	];
}

/** A discussion: its title, and each message on its own (a hit opens the thread at that message). */
export function threadSearchDocs(group: SearchGroup, docId: string, doc: Y.Doc, updated: number, indexTitle = ''): SearchDoc[] {
	const thread = new Thread(doc);
	const title = thread.title || indexTitle;
	const source = `${group.id}/${docId}`;
	const href = `/g/${group.id}/discussions/${docId}`;
	const docs: SearchDoc[] = [{ id: source, source, kind: 'discussion', groupId: group.id, groupName: group.name, title, tags: [], blocks: [], href, time: updated }];
	for (const id of thread.ids()) {
		const message = thread.message(id);
		if (!message || message.deleted !== undefined || !message.text.trim()) continue;
		docs.push({
			id: `${source}/${id}`,
			source,
			kind: 'discussion',
			groupId: group.id,
			groupName: group.name,
			// The thread's title names the hit; matching it is the title hit's job, not every message's.
			title: '',
			label: title,
			tags: [],
			blocks: [message.text],
			href: `${href}?message=${encodeURIComponent(id)}`,
			time: message.time
		});
	}
	return docs;
}

/** An action: title, description, call to action and place. */
export function actionSearchDocs(group: SearchGroup, docId: string, doc: Y.Doc, updated: number): SearchDoc[] {
	const fields = readAction(doc);
	const id = `${group.id}/${docId}`;
	return [
		{
			id,
			source: id,
			kind: 'action',
			groupId: group.id,
			groupName: group.name,
			title: fields.title,
			tags: [],
			blocks: [fields.place, fields.description, fields.callToAction].filter((text) => text.trim()),
			href: `/g/${group.id}/actions/${docId}`,
			time: updated
		}
	];
}

function bodyBlocks(body: BodyNode): string[] {
	const text = (node: BodyNode): string => (node.text ?? '') + (node.content ?? []).map(text).join(' ');
	return (body.content ?? []).map((node) => text(node).replace(/\s+/g, ' ').trim()).filter(Boolean);
}

/** A commons entry kept on this device. */
export function commonsSearchDocs(entry: Entry): SearchDoc[] {
	const blocks = entry.kind === 'guide' ? [entry.summary, ...bodyBlocks(entry.body)] : [entry.place, entry.summary, entry.description];
	const id = `commons/${entry.id}`;
	return [
		{
			id,
			source: id,
			kind: 'commons',
			groupId: '',
			groupName: entry.publisher,
			title: entry.title,
			tags: entry.tags,
			blocks: blocks.filter((text) => text.trim()),
			href: `/commons/${entry.id}`,
			time: entry.updatedAt
		}
	];
}
