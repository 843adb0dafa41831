// Writes a WARC file with warcio.js (an independent writer, from the npm registry) from a JSON
// spec: {"version": "WARC/1.0"|"WARC/1.1", "gzip": true|false, "records": [{"type": "response",
// "url", "date", "statusline", "headers": {...}, "body_b64"} | {"type": "revisit", "url", "date",
// "refersToUrl", "refersToDate", "headers": {...}, "payload_digest"}]}.
// usage: node warcio_write.mjs SPEC.json OUT.warc[.gz]
import { WARCRecord, WARCSerializer } from "warcio";
import fs from "node:fs";

const spec = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const out = fs.openSync(process.argv[3], "w");
const warcVersion = spec.version;
const gzip = spec.gzip;

const info = await WARCRecord.createWARCInfo({ filename: process.argv[3], warcVersion }, { software: "warcio.js" });
fs.writeSync(out, await WARCSerializer.serialize(info, { gzip }));
for (const r of spec.records) {
  let record;
  if (r.type === "revisit") {
    const warcHeaders = {};
    if (r.payload_digest) warcHeaders["WARC-Payload-Digest"] = r.payload_digest;
    record = await WARCRecord.create({ url: r.url, date: r.date, type: "revisit", warcVersion, refersToUrl: r.refersToUrl,
                                       refersToDate: r.refersToDate, httpHeaders: r.headers, warcHeaders,
                                       statusline: r.statusline });
  } else {
    const body = Buffer.from(r.body_b64, "base64");
    async function* content() { yield new Uint8Array(body); }
    record = await WARCRecord.create({ url: r.url, date: r.date, type: "response", warcVersion,
                                       statusline: r.statusline, httpHeaders: r.headers }, content());
  }
  fs.writeSync(out, await WARCSerializer.serialize(record, { gzip }));
}
fs.closeSync(out);
