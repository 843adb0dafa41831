// Reads WARC files with warcio.js (an independent reader, from the npm registry) and prints one
// JSON line per file: records by type and the record ids of responses and revisits.
// usage: node warcio_read.mjs FILE...
import { WARCParser } from "warcio";
import fs from "node:fs";

for (const path of process.argv.slice(2)) {
  const parser = new WARCParser(fs.createReadStream(path));
  const types = {};
  const ids = [];
  let digests = 0;
  for await (const record of parser) {
    const t = record.warcType;
    types[t] = (types[t] || 0) + 1;
    if (t === "response" || t === "revisit") ids.push(record.warcHeader("WARC-Record-ID"));
    if (record.warcHeader("WARC-Payload-Digest")) digests++;
    await record.readFully();
  }
  console.log(JSON.stringify({ file: path, types, ids, digests }));
}
