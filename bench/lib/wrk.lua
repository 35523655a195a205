-- bench/lib/wrk.lua — the one wrk script of the benchmarks. Cycles through the request paths
-- in WRK_PATHS (comma-separated; one path = wrk's static request, no per-request Lua), stops a
-- thread after WRK_MAX_REQUESTS responses when set (used to send an exact number of requests),
-- and prints one machine-readable line "WRKJSON {...}" with throughput, errors, latency
-- percentiles and a latency distribution (percentile -> microseconds) for the chart.
local paths = {}
for p in string.gmatch(os.getenv("WRK_PATHS") or "/", "[^,]+") do paths[#paths + 1] = p end
local limit = tonumber(os.getenv("WRK_MAX_REQUESTS") or "0")

if #paths > 1 then
  local i = 0
  request = function()
    i = i + 1
    return wrk.format("GET", paths[((i - 1) % #paths) + 1])
  end
else
  wrk.path = paths[1]
end

if limit > 0 then
  local n = 0
  response = function(status, headers, body)
    n = n + 1
    if n >= limit then wrk.thread:stop() end
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  local dist = {}
  for _, p in ipairs({1, 5, 10, 20, 30, 40, 50, 60, 70, 75, 80, 85, 90, 95, 97, 98, 99, 99.5, 99.9, 99.99}) do
    dist[#dist + 1] = string.format("[%g,%d]", p, latency:percentile(p))
  end
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"bytes":%d,"err_connect":%d,"err_read":%d,' ..
    '"err_write":%d,"err_status":%d,"err_timeout":%d,"lat_mean_us":%.1f,"lat_max_us":%d,' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d,"p999_us":%d,"dist":[%s]}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency.mean, latency.max, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency:percentile(99.9), table.concat(dist, ",")))
end
