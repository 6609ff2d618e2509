import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { startTestRelay, type TestRelay } from '../helpers/relay';
import { connectClient, eventually, randomRoom, randomToken, type TestClient } from '../helpers/clients';

let relay: TestRelay;

beforeAll(async () => {
	relay = await startTestRelay();
});

afterAll(async () => {
	await relay?.close();
});

function text(client: TestClient): string {
	return client.doc.getText('t').toString();
}

async function converge(count: number, seed: number): Promise<void> {
	const room = randomRoom();
	const token = randomToken();
	const clients = Array.from({ length: count }, () => connectClient(relay.syncUrl, room, token));
	await Promise.all(clients.map((client) => client.synced()));
	const edits = fc.sample(
		fc.record({ who: fc.nat(count - 1), at: fc.nat(), insert: fc.string({ maxLength: 5 }), remove: fc.nat(3) }),
		{ numRuns: 60, seed }
	);
	for (const edit of edits) {
		const ytext = clients[edit.who]!.doc.getText('t');
		const at = edit.at % (ytext.length + 1);
		if (edit.remove > 0 && ytext.length > at) ytext.delete(at, Math.min(edit.remove, ytext.length - at));
		ytext.insert(at, edit.insert);
	}
	clients.forEach((client, index) => client.provider.awareness.setLocalState({ name: `client ${index}` }));
	await eventually(() => clients.every((client) => text(client) === text(clients[0]!)), 'text convergence');
	await eventually(
		() => clients.every((client) => client.provider.awareness.getStates().size === count),
		'every client sees every awareness state'
	);
	// A late joiner gets the same state through the first sync alone.
	const late = connectClient(relay.syncUrl, room, token);
	await late.synced();
	expect(text(late)).toBe(text(clients[0]!));
	for (const client of [...clients, late]) client.destroy();
}

describe('convergence through the relay', () => {
	it('2 stock clients converge on random concurrent edits, awareness included', async () => {
		await converge(2, 1);
	});

	it('10 stock clients converge on random concurrent edits, awareness included', async () => {
		await converge(10, 2);
	});

	it('frees a room from memory when its last client leaves and keeps its stored state', async () => {
		const own = await startTestRelay();
		const loadedRooms = async () =>
			Number((await own.metrics()).match(/^fieldbook_rooms_loaded (\d+)/m)?.[1]);
		const room = randomRoom();
		const token = randomToken();
		const a = connectClient(own.syncUrl, room, token);
		await a.synced();
		a.doc.getText('t').insert(0, 'kept');
		expect(await loadedRooms()).toBe(1);
		await new Promise((resolve) => setTimeout(resolve, 200));
		a.destroy();
		const start = Date.now();
		while ((await loadedRooms()) !== 0 && Date.now() - start < 10_000) await new Promise((r) => setTimeout(r, 50));
		expect(await loadedRooms()).toBe(0);
		const b = connectClient(own.syncUrl, room, token);
		await b.synced();
		expect(b.doc.getText('t').toString()).toBe('kept');
		b.destroy();
		await own.close();
	});
});
