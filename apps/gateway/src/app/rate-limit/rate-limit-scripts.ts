/**
 * Rate-limit decisions, each one atomic Lua script (Redis runs a script without interleaving). Unlike
 * the seed's INCR-then-EXPIRE, a key can never be left without an expiry — a crash between the two
 * calls would have locked the client out for good.
 *
 * Both return {allowed (1/0), remaining, resetMs, retryAfterMs, firstViolation (1/0)}; firstViolation is
 * 1 only for the first refusal of a key in its window, so a violation is audited once per window.
 */

/** Fixed window: KEYS[1] counter; ARGV[1] limit, ARGV[2] window (ms). */
export const FIXED_WINDOW_LUA = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
local limit = tonumber(ARGV[1])
if count <= limit then
  return {1, limit - count, ttl, 0, 0}
end
local first = 0
if count == limit + 1 then first = 1 end
return {0, 0, ttl, ttl, first}
`;

/**
 * GCRA (generic cell rate algorithm), a smooth sliding window: KEYS[1] theoretical arrival time,
 * KEYS[2] violation marker; ARGV[1] limit, ARGV[2] period (ms). Uses the server's clock.
 */
export const GCRA_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local interval = period / limit
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local new_tat = tat + interval
local allow_at = new_tat - period
if allow_at > now then
  local retry = math.ceil(allow_at - now)
  local first = 0
  if redis.call('SET', KEYS[2], '1', 'NX', 'PX', math.max(1, math.ceil(tat - now))) then first = 1 end
  return {0, 0, math.ceil(tat - now), retry, first}
end
redis.call('SET', KEYS[1], tostring(new_tat), 'PX', math.max(1, math.ceil(new_tat - now)))
local remaining = math.floor((period - (new_tat - now)) / interval)
return {1, remaining, math.ceil(new_tat - now), 0, 0}
`;
