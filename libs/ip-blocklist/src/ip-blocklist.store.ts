import Redis from 'ioredis';

/** Where the blocklist lives in Redis (under the deployment's REDIS_KEY_PREFIX): expiry by IP, and details. */
const EXPIRIES_KEY = 'security:blocklist';
const DETAILS_KEY = 'security:blocklist:details';

export interface IpBlock {
  ip: string;
  reason: string;
  blockedAt: Date;
  expiresAt: Date;
  reportId: string | null;
  findingId: string | null;
}

/** KEYS: expiries, details. ARGV: ip, expiresAt (ms), now (ms), details JSON. */
const BLOCK_LUA = `
local current = tonumber(redis.call('ZSCORE', KEYS[1], ARGV[1]) or '0')
local active = current > tonumber(ARGV[3])
if active and current >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
if active then return 2 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[4])
return 1
`;

/** KEYS: expiries, details. ARGV: now (ms). Removes entries expired by now from both. */
const PURGE_LUA = `
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
for _, ip in ipairs(expired) do
  redis.call('ZREM', KEYS[1], ip)
  redis.call('HDEL', KEYS[2], ip)
end
return #expired
`;

interface StoredDetails {
  reason: string;
  blockedAt: string;
  reportId: string | null;
  findingId: string | null;
}

/**
 * Blocks with an expiry, in Redis: a sorted set (IP → expiry in ms) and a hash of details. The scheduler
 * writes it (auto-ban, lifting); every gateway reads the whole set — it is small — into memory.
 */
export class IpBlocklistStore {
  constructor(private readonly redis: Redis) {}

  /**
   * Blocks `ip` until `expiresAt`, atomically. `blocked`: it was not blocked before; `extended`: it was,
   * and now stays blocked longer (its details are kept); `unchanged`: it was already blocked at least as long.
   */
  async block(block: IpBlock): Promise<'blocked' | 'extended' | 'unchanged'> {
    const details: StoredDetails = { reason: block.reason, blockedAt: block.blockedAt.toISOString(), reportId: block.reportId, findingId: block.findingId };
    const outcome = (await this.redis.eval(BLOCK_LUA, 2, EXPIRIES_KEY, DETAILS_KEY, block.ip, block.expiresAt.getTime(), Date.now(), JSON.stringify(details))) as number;
    return outcome === 1 ? 'blocked' : outcome === 2 ? 'extended' : 'unchanged';
  }

  /** Lifts a block; false when `ip` was not blocked. */
  async lift(ip: string): Promise<boolean> {
    const results = await this.redis.multi().zscore(EXPIRIES_KEY, ip).zrem(EXPIRIES_KEY, ip).hdel(DETAILS_KEY, ip).exec();
    const expiry = results?.[0]?.[1] as string | null | undefined;
    return expiry !== null && expiry !== undefined && Number(expiry) > Date.now();
  }

  /** IPs blocked now, with their expiry in ms; expired entries are removed on the way. */
  async activeExpiries(): Promise<Map<string, number>> {
    const now = Date.now();
    const flat = await this.redis.zrangebyscore(EXPIRIES_KEY, now + 1, '+inf', 'WITHSCORES');
    const expiries = new Map<string, number>();
    for (let i = 0; i < flat.length; i += 2) expiries.set(flat[i]!, Number(flat[i + 1]));
    return expiries;
  }

  /** Blocks in force, soonest expiry first, with their details. */
  async list(): Promise<IpBlock[]> {
    await this.purgeExpired();
    const expiries = await this.activeExpiries();
    if (expiries.size === 0) return [];
    const ips = [...expiries.keys()];
    const details = await this.redis.hmget(DETAILS_KEY, ...ips);
    return ips.map((ip, i) => {
      const stored = JSON.parse(details[i] ?? '{}') as Partial<StoredDetails>;
      return {
        ip,
        reason: stored.reason ?? 'unknown',
        blockedAt: new Date(stored.blockedAt ?? expiries.get(ip)!),
        expiresAt: new Date(expiries.get(ip)!),
        reportId: stored.reportId ?? null,
        findingId: stored.findingId ?? null,
      };
    });
  }

  /** One script: a block written between reading and removing the expired ones is never removed. */
  private async purgeExpired(): Promise<void> {
    await this.redis.eval(PURGE_LUA, 2, EXPIRIES_KEY, DETAILS_KEY, Date.now());
  }
}
