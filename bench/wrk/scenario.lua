-- wrk script for one benchmark scenario (written by bench/loadgen.py, run by bench/run.py).
--
-- BENCH_SPEC names a Lua file that returns the requests to send in rotation:
--   return { {"GET", "/api/offers/1/", {Authorization = "Token ..."}, nil}, ... }
-- Each wrk thread starts at a different point of the rotation. Every response outside 2xx is counted
-- (wrk's own error count only sees >= 400), and done() prints one line "BENCH_RESULT {json}".

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("thread_number", #threads)
end

function init(args)
   local spec = dofile(os.getenv("BENCH_SPEC"))
   prepared = {}
   for i, r in ipairs(spec) do
      prepared[i] = wrk.format(r[1], r[2], r[3], r[4])
   end
   position = ((thread_number - 1) * 7919) % #prepared
   non2xx = 0
   statuses = {}
   first_failure = ""
end

function request()
   position = position % #prepared + 1
   return prepared[position]
end

function response(status, headers, body)
   if status < 200 or status > 299 then
      non2xx = non2xx + 1
      statuses[status] = (statuses[status] or 0) + 1
      if first_failure == "" then
         first_failure = status .. " " .. string.sub(body or "", 1, 300)
      end
   end
end

local function json_string(s)
   return '"' .. string.gsub(s, '[%c"\\]', function(c) return string.format("\\u%04x", string.byte(c)) end) .. '"'
end

function done(summary, latency, requests)
   local non2xx_total, failure, codes = 0, "", {}
   for _, thread in ipairs(threads) do
      non2xx_total = non2xx_total + thread:get("non2xx")
      if failure == "" then
         failure = thread:get("first_failure")
      end
      for code, count in pairs(thread:get("statuses")) do
         codes[code] = (codes[code] or 0) + count
      end
   end
   local code_list = {}
   for code, count in pairs(codes) do
      table.insert(code_list, string.format('"%d":%d', code, count))
   end
   local e = summary.errors
   io.write(string.format(
      'BENCH_RESULT {"requests":%d,"duration_us":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,' ..
      '"non2xx":%d,"statuses":{%s},"socket_errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},' ..
      '"first_failure":%s}\n',
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
      latency:percentile(99), latency.max, non2xx_total, table.concat(code_list, ","),
      e.connect, e.read, e.write, e.timeout, json_string(failure)))
end
