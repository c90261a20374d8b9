// Parse calendar files with ical.js (the parser Thunderbird uses) and print what it reads.
// Usage: node .ci/check_calendars.mjs FILE...  → one JSON object per file on stdout.
import { readFileSync } from "node:fs";
import ICAL from "./node/node_modules/ical.js/dist/ical.js";

for (const file of process.argv.slice(2)) {
  const out = { file, events: [], error: null };
  try {
    const cal = new ICAL.Component(ICAL.parse(readFileSync(file, "utf8")));
    for (const vtz of cal.getAllSubcomponents("vtimezone")) {
      ICAL.TimezoneService.register(vtz);
    }
    for (const vevent of cal.getAllSubcomponents("vevent")) {
      const event = new ICAL.Event(vevent);
      // An all-day event (an annual-cycle deadline) has dates, not moments, and no zone.
      const allDay = Boolean(event.startDate && event.startDate.isDate);
      const when = (t) => (t ? (allDay ? t.toString() : t.toUnixTime()) : null);
      out.events.push({
        uid: event.uid,
        summary: event.summary,
        location: event.location,
        description: event.description,
        start: when(event.startDate),
        end: when(event.endDate),
        tzid: event.startDate && !allDay ? event.startDate.zone.tzid : null,
        sequence: event.sequence,
        status: vevent.getFirstPropertyValue("status"),
      });
    }
  } catch (e) {
    out.error = String(e);
  }
  console.log(JSON.stringify(out));
}
