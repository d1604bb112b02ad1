import { createHash } from 'node:crypto';
import type { Redis } from '../redis';
import type { ConnectionInfo, PresenceStore } from './presence-store';

// KEYS: expiry zset, user zset, info hash. ARGV: member, connId, expiresAt, now, info json.
const CONNECT = `
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[4])
local before = redis.call('ZCARD', KEYS[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
redis.call('HSET', KEYS[3], ARGV[2], ARGV[5])
if before == 0 then return 1 end
return 0`;

// KEYS: expiry zset, user zset, info hash. ARGV: member, connId, now.
const DISCONNECT = `
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[2])
local removed = redis.call('ZREM', KEYS[2], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[3])
if removed == 1 and redis.call('ZCARD', KEYS[2]) == 0 then return 1 end
return 0`;

// KEYS: expiry zset, info hash. ARGV: now, user zset key prefix, batch size.
// ZREM decides which process handles an expired connection, so each user goes offline once.
const SWEEP = `
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local offline = {}
for _, member in ipairs(expired) do
  if redis.call('ZREM', KEYS[1], member) == 1 then
    local sep = string.find(member, '|', 1, true)
    local userId = string.sub(member, 1, sep - 1)
    local connId = string.sub(member, sep + 1)
    local userKey = ARGV[2] .. userId
    redis.call('HDEL', KEYS[2], connId)
    local removed = redis.call('ZREM', userKey, connId)
    redis.call('ZREMRANGEBYSCORE', userKey, '-inf', ARGV[1])
    if removed == 1 and redis.call('ZCARD', userKey) == 0 then table.insert(offline, userId) end
  end
end
return offline`;

const CONNECT_SHA = createHash('sha1').update(CONNECT).digest('hex');

/** Presence shared by every API process through Redis; each change is one atomic script. */
export class RedisPresenceStore implements PresenceStore {
  private readonly expiryKey: string;
  private readonly infoKey: string;
  private readonly userPrefix: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.expiryKey = `${prefix}:presence:expiry`;
    this.infoKey = `${prefix}:presence:info`;
    this.userPrefix = `${prefix}:presence:user:`;
  }

  async connect(info: ConnectionInfo, expiresAt: number) {
    const result = await this.redis.eval(CONNECT, ...this.connectArgs(info, expiresAt, Date.now()));
    return result === 1;
  }

  async refresh(infos: readonly ConnectionInfo[], expiresAt: number) {
    if (!infos.length) return [];
    let results = await this.refreshPipeline(infos, expiresAt);
    if (results.some(([error]) => error?.message.startsWith('NOSCRIPT'))) {
      // A restarted Redis forgot the script: load it once and send the batch again.
      await this.redis.script('LOAD', CONNECT);
      results = await this.refreshPipeline(infos, expiresAt);
    }
    const failed = results.find(([error]) => error);
    if (failed?.[0]) throw failed[0];
    return infos.filter((_, i) => results[i]?.[1] === 1).map((info) => info.userId);
  }

  /** The connect script for every connection, by its hash, in one pipelined round trip. */
  private async refreshPipeline(infos: readonly ConnectionInfo[], expiresAt: number) {
    const now = Date.now();
    const pipeline = this.redis.pipeline();
    for (const info of infos) pipeline.evalsha(CONNECT_SHA, ...this.connectArgs(info, expiresAt, now));
    return ((await pipeline.exec()) ?? []) as [Error | null, unknown][];
  }

  /** The CONNECT script's key count, keys and arguments for one connection. */
  private connectArgs(info: ConnectionInfo, expiresAt: number, now: number) {
    return [
      3,
      this.expiryKey,
      this.userPrefix + info.userId,
      this.infoKey,
      `${info.userId}|${info.connId}`,
      info.connId,
      expiresAt,
      now,
      JSON.stringify(info),
    ] as const;
  }

  async disconnect(userId: string, connId: string) {
    const result = await this.redis.eval(
      DISCONNECT,
      3,
      this.expiryKey,
      this.userPrefix + userId,
      this.infoKey,
      `${userId}|${connId}`,
      connId,
      Date.now(),
    );
    return result === 1;
  }

  async sweep(now: number) {
    return (await this.redis.eval(SWEEP, 2, this.expiryKey, this.infoKey, now, this.userPrefix, 500)) as string[];
  }

  async online(userIds: readonly string[]) {
    if (!userIds.length) return [];
    const now = Date.now();
    const pipeline = this.redis.pipeline();
    for (const id of userIds) pipeline.zcount(this.userPrefix + id, now, '+inf');
    const results = (await pipeline.exec()) ?? [];
    return userIds.map((_, i) => Number(results[i]?.[1] ?? 0) > 0);
  }

  async connections() {
    const now = Date.now();
    const [infos, live] = await Promise.all([
      this.redis.hvals(this.infoKey),
      this.redis.zrangebyscore(this.expiryKey, now, '+inf'),
    ]);
    const liveIds = new Set(live.map((member) => member.slice(member.indexOf('|') + 1)));
    return infos.map((json) => JSON.parse(json) as ConnectionInfo).filter((info) => liveIds.has(info.connId));
  }
}
