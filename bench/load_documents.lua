-- Used by load_documents.py: rotates over the documents listed in the file named after "--"
-- and counts the answers per document kind. A line of that file is "url<TAB>path" or
-- "kind<TAB>Content-Disposition<TAB>kind"; an answer is put under its kind by its
-- Content-Disposition header (each document's is fixed), since wrk does not say which request
-- an answer belongs to.

local threads = {}
local next_id = 0

function setup(thread)
   thread:set("id", next_id)
   next_id = next_id + 1
   table.insert(threads, thread)
end

function init(args)
   paths, kind_of, counts, failures = {}, {}, {}, {}
   for line in io.lines(args[1]) do
      local fields = {}
      for field in line:gmatch("[^\t]+") do
         table.insert(fields, field)
      end
      if fields[1] == "url" then
         table.insert(paths, fields[2])
      elseif fields[1] == "kind" then
         kind_of[fields[2]] = fields[3]
      end
   end
   -- Each thread starts elsewhere in the list, so every document is asked for all the time.
   position = (id * 7) % #paths
end

function request()
   position = position % #paths + 1
   return wrk.format("GET", paths[position])
end

function response(status, headers, body)
   local kind = kind_of[headers["Content-Disposition"] or ""]
   if status == 200 and kind ~= nil then
      counts[kind] = (counts[kind] or 0) + 1
   else
      local key = tostring(status) .. " " .. (kind or "ukjent")
      failures[key] = (failures[key] or 0) + 1
   end
end

function done(summary, latency, requests)
   local total = {counts = {}, failures = {}}
   for _, thread in ipairs(threads) do
      for name, table_ in pairs(total) do
         for key, n in pairs(thread:get(name)) do
            table_[key] = (table_[key] or 0) + n
         end
      end
   end
   for key, n in pairs(total.counts) do
      io.write(string.format("govern-count\t%s\t%d\n", key, n))
   end
   for key, n in pairs(total.failures) do
      io.write(string.format("govern-failure\t%s\t%d\n", key, n))
   end
   local e = summary.errors
   io.write(string.format("govern-summary\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\n", summary.duration,
      summary.requests, e.connect, e.read, e.write, e.status, e.timeout,
      latency:percentile(99)))
end
