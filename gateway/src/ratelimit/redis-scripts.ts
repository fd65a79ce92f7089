/**
 * Lua scripts of the Redis store. Each runs atomically inside Redis, so a check-and-reserve over several
 * buckets cannot interleave with another gateway's: concurrent bursts never overshoot. The arithmetic is
 * that of `token-bucket.ts` (refill, all-or-nothing take, bounded refund/debt).
 *
 * KEYS: bucket hashes (fields `t` tokens, `u` updated-at ms). ARGV[1]: now in ms, or '' to use the Redis
 * server's clock (one clock for every gateway). Then three values per key: capacity, refill per second,
 * amount. Wait and reset values of -1 mean "never".
 */

const prelude = `
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function load(i)
  local cap = tonumber(ARGV[(i - 1) * 3 + 2])
  local rate = tonumber(ARGV[(i - 1) * 3 + 3])
  local amount = tonumber(ARGV[(i - 1) * 3 + 4])
  local s = redis.call('HMGET', KEYS[i], 't', 'u')
  local tok, at = cap, now
  if s[1] then
    local u = tonumber(s[2])
    tok = math.min(cap, tonumber(s[1]) + math.max(0, now - u) * rate / 1000)
    at = math.max(now, u)
  end
  return cap, rate, amount, tok, at
end
local function untilFull(cap, rate, tok)
  if tok >= cap then return 0 end
  return math.ceil((cap - tok) * 1000 / rate)
end
local function save(key, cap, rate, tok, at)
  redis.call('HSET', key, 't', tok, 'u', at)
  redis.call('PEXPIRE', key, untilFull(cap, rate, tok) + 1000)
end
`;

/** Reserve: returns `{allowed 0|1, retryAfterMs, remaining1, reset1, remaining2, reset2, ...}`. */
export const RESERVE_SCRIPT = `${prelude}
local n = #KEYS
local caps, rates, amounts, toks, ats = {}, {}, {}, {}, {}
local wait = 0
for i = 1, n do
  local cap, rate, amount, tok, at = load(i)
  caps[i], rates[i], amounts[i], toks[i], ats[i] = cap, rate, amount, tok, at
  if wait >= 0 and tok < amount then
    if amount > cap then wait = -1 else wait = math.max(wait, math.ceil((amount - tok) * 1000 / rate)) end
  end
end
local allowed = 0
if wait == 0 then
  allowed = 1
  for i = 1, n do
    toks[i] = toks[i] - amounts[i]
    save(KEYS[i], caps[i], rates[i], toks[i], ats[i])
  end
end
local out = { allowed, wait }
for i = 1, n do
  out[#out + 1] = math.max(0, math.floor(toks[i]))
  out[#out + 1] = untilFull(caps[i], rates[i], toks[i])
end
return out
`;

/** Settle: gives `amount` back to each bucket (negative charges), bounded to [-capacity, capacity]. */
export const SETTLE_SCRIPT = `${prelude}
for i = 1, #KEYS do
  local cap, rate, amount, tok, at = load(i)
  if amount ~= 0 then
    save(KEYS[i], cap, rate, math.max(-cap, math.min(cap, tok + amount)), at)
  end
end
return 1
`;
