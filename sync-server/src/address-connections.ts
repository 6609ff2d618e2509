/**
 * Open connections per client address, counted for the whole deployment: in this process's memory for a
 * single relay, in Redis when several processes share REDIS_URL, so an address cannot multiply
 * MAX_CONNECTIONS_PER_ADDRESS by the number of processes behind the load balancer.
 *
 * In Redis each address has a hash of counts, one field per relay process, and each process keeps a key
 * saying it is alive (refreshed every HEARTBEAT_MS, expiring after ALIVE_TTL_MS). A check adds up the
 * fields of live processes only, so the connections of a process that died stop counting once its key
 * expires, and the heartbeat writes this process's counts again, so a restarted Redis has them back
 * within one beat. Each process's own counts live in its memory and are the truth for its field.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

/** Counts the open connections of each address. */
export interface AddressConnections {
	/** Counts one more connection for `address`; resolves false (counting nothing) when it has `limit` already. */
	acquire(address: string, limit: number): Promise<boolean>;
	/** Counts one connection of `address` less (it closed). */
	release(address: string): void;
	close(): Promise<void>;
}

/** Key names after the deployment's prefix (REDIS_PREFIX), so a shared Redis can carry other things too. */
export const ADDRESS_KEY = 'conns:';
export const ALIVE_KEY = 'relay-alive:';
/** How often a process says it is alive and writes its counts again. */
export const HEARTBEAT_MS = 5_000;
/** A process that has not said so for this long is taken for dead and its connections stop counting. */
export const ALIVE_TTL_MS = 3 * HEARTBEAT_MS;

/**
 * KEYS[1] the address's hash; ARGV: this process's id, the limit, the alive-key prefix, this process's count
 * after the new connection, the hash's time to live. Drops the fields of dead processes on the way.
 */
const ACQUIRE = `
local total = 0
local entries = redis.call('HGETALL', KEYS[1])
for i = 1, #entries, 2 do
	local owner = entries[i]
	if owner == ARGV[1] then
	elseif redis.call('EXISTS', ARGV[3] .. owner) == 1 then
		total = total + tonumber(entries[i + 1])
	else
		redis.call('HDEL', KEYS[1], owner)
	end
end
if total + tonumber(ARGV[4]) > tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1`;

/** Counts in this process's memory (one relay process). */
export function memoryAddressConnections(): AddressConnections {
	const counts = new Map<string, number>();
	return {
		async acquire(address, limit) {
			const count = counts.get(address) ?? 0;
			if (count >= limit) return false;
			counts.set(address, count + 1);
			return true;
		},
		release(address) {
			const left = (counts.get(address) ?? 1) - 1;
			if (left > 0) counts.set(address, left);
			else counts.delete(address);
		},
		close: async () => {}
	};
}

/**
 * Counts shared through Redis at `url` under keys starting with `prefix` (resolves once connected). While Redis cannot be reached, each
 * process applies the limit to its own connections only: an outage loosens the limit, it never refuses
 * every connection.
 */
export async function redisAddressConnections(url: string, prefix: string, onError: (error: unknown) => void = () => {}): Promise<AddressConnections> {
	const id = randomUUID();
	const addressKey = prefix + ADDRESS_KEY;
	const aliveKey = prefix + ALIVE_KEY;
	const client = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
	client.on('error', onError);
	client.defineCommand('fieldbookAcquire', { numberOfKeys: 1, lua: ACQUIRE });
	const acquireScript = (key: string, ...args: (string | number)[]) =>
		(client as unknown as { fieldbookAcquire(key: string, ...args: (string | number)[]): Promise<number> }).fieldbookAcquire(key, ...args);
	await client.connect();
	const counts = new Map<string, number>();
	let closed = false;

	/** Writes this process's count of `address` (the field goes when it reaches zero). */
	function write(address: string): void {
		if (closed || client.status !== 'ready') return;
		const count = counts.get(address) ?? 0;
		const key = addressKey + address;
		const done = count > 0 ? client.multi().hset(key, id, count).pexpire(key, ALIVE_TTL_MS).exec() : client.hdel(key, id);
		done.catch(onError);
	}

	function beat(): void {
		if (closed || client.status !== 'ready') return;
		const pipeline = client.pipeline().set(aliveKey + id, '1', 'PX', ALIVE_TTL_MS);
		for (const [address, count] of counts) pipeline.hset(addressKey + address, id, count).pexpire(addressKey + address, ALIVE_TTL_MS);
		pipeline.exec().catch(onError);
	}
	await client.set(aliveKey + id, '1', 'PX', ALIVE_TTL_MS);
	const heartbeat = setInterval(beat, HEARTBEAT_MS);
	heartbeat.unref();
	// Back after an outage (perhaps a restarted, empty Redis): say so and write the counts at once.
	client.on('ready', beat);

	function release(address: string): void {
		const left = (counts.get(address) ?? 1) - 1;
		if (left > 0) counts.set(address, left);
		else counts.delete(address);
		write(address);
	}

	return {
		async acquire(address, limit) {
			// Counted here at once, so two checks of one address in flight together cannot both take the last place.
			const count = (counts.get(address) ?? 0) + 1;
			counts.set(address, count);
			let allowed: boolean;
			try {
				allowed = (await acquireScript(addressKey + address, id, limit, aliveKey, count, ALIVE_TTL_MS)) === 1;
			} catch (error) {
				onError(error);
				allowed = count <= limit;
			}
			if (!allowed) release(address);
			// Connections of this address may have opened or closed meanwhile: the field says what is held now.
			else if (counts.get(address) !== count) write(address);
			return allowed;
		},
		release,
		async close() {
			if (closed) return;
			clearInterval(heartbeat);
			const pipeline = client.pipeline().del(aliveKey + id);
			for (const address of counts.keys()) pipeline.hdel(addressKey + address, id);
			closed = true;
			await pipeline.exec().catch(onError);
			await client.quit().catch(() => client.disconnect());
		}
	};
}
