/**
 * Rate-limit decisions in one atomic Lua script (Redis runs a script without interleaving). Unlike
 * the seed's INCR-then-EXPIRE, a key can never be left without an expiry — a crash between the two
 * calls would have locked the client out for good.
 *
 * Two algorithms: a fixed window (the seed's), and GCRA (generic cell rate algorithm), a smooth sliding
 * window that uses the Redis server's clock. Each decision is {allowed (1/0), remaining, resetMs,
 * retryAfterMs, firstViolation (1/0)}; firstViolation is 1 only for the first refusal of a key in its
 * window, so a violation is audited once per window.
 */

/**
 * Every decision a request needs (the global per-IP ceiling and the route's rule), in one script: one
 * EVALSHA per request instead of one per rule (the Redis client's per-command work was the largest part
 * of the gateway's CPU after Fastify's). Each rule is counted whatever the others decide, as two separate
 * scripts would. For rule i (1-based): KEYS[2i-1] its counter (fixed) or theoretical arrival time
 * (sliding), KEYS[2i] its violation marker (sliding); ARGV[3i-2] 'fixed' or 'sliding', ARGV[3i-1] limit,
 * ARGV[3i] window (ms). Returns the five fields for each rule, in order. The keys of one call (an IP's,
 * a user's) may lie in different Redis Cluster slots: rate limits want one Redis primary (Sentinel for
 * failover), like the rest of Warden's Redis use.
 */
export const RATE_LIMIT_LUA = `
local function fixed(key, limit, window)
  local count = redis.call('INCR', key)
  if count == 1 then redis.call('PEXPIRE', key, window) end
  local ttl = redis.call('PTTL', key)
  if ttl < 0 then
    redis.call('PEXPIRE', key, window)
    ttl = window
  end
  if count <= limit then return {1, limit - count, ttl, 0, 0} end
  local first = 0
  if count == limit + 1 then first = 1 end
  return {0, 0, ttl, ttl, first}
end

local function sliding(key, violation_key, limit, period)
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  local interval = period / limit
  local tat = tonumber(redis.call('GET', key) or now)
  if tat < now then tat = now end
  local new_tat = tat + interval
  local allow_at = new_tat - period
  if allow_at > now then
    local retry = math.ceil(allow_at - now)
    local first = 0
    if redis.call('SET', violation_key, '1', 'NX', 'PX', math.max(1, math.ceil(tat - now))) then first = 1 end
    return {0, 0, math.ceil(tat - now), retry, first}
  end
  redis.call('SET', key, tostring(new_tat), 'PX', math.max(1, math.ceil(new_tat - now)))
  local remaining = math.floor((period - (new_tat - now)) / interval)
  return {1, remaining, math.ceil(new_tat - now), 0, 0}
end

local out = {}
for i = 1, #KEYS / 2 do
  local limit = tonumber(ARGV[3 * i - 1])
  local window = tonumber(ARGV[3 * i])
  local decision
  if ARGV[3 * i - 2] == 'fixed' then
    decision = fixed(KEYS[2 * i - 1], limit, window)
  else
    decision = sliding(KEYS[2 * i - 1], KEYS[2 * i], limit, window)
  end
  for _, field in ipairs(decision) do out[#out + 1] = field end
end
return out
`;
