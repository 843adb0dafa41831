// Mozilla Readability's text of one saved page, for bench/body_compare.py.
// usage: node readability.mjs FILE URL [CHARSET]
// Decodes FILE by CHARSET, else by the page's own <meta> charset, else as UTF-8 when the bytes are
// UTF-8 and GB18030 when not (gb2312 and gbk labels are read as GB18030, their superset); prints
// the article's textContent, nothing when Readability finds no article.
// @mozilla/readability and jsdom come from the node_modules of the directory in ZC_READABILITY_DIR
// (npm-installed under the build directory by body_compare.py --setup; never committed).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const [file, url, given] = process.argv.slice(2);
if (!file || !url) {
  console.error("usage: node readability.mjs FILE URL [CHARSET]");
  process.exit(2);
}
const base = process.env.ZC_READABILITY_DIR;
if (!base) {
  console.error("readability.mjs: ZC_READABILITY_DIR is not set; point it at the directory whose node_modules hold jsdom");
  process.exit(2);
}
const require = createRequire(path.join(base, "x.js"));
const { JSDOM, VirtualConsole } = require("jsdom");
const { Readability } = require("@mozilla/readability");

function label(name) {
  name = (name || "").trim().toLowerCase();
  if (["gb2312", "gbk", "gb18030", "x-gbk"].includes(name)) return "gb18030";
  if (["utf8", "utf-8"].includes(name)) return "utf-8";
  return name;
}

const bytes = readFileSync(file);
let charset = label(given);
if (!charset) {
  const head = bytes.subarray(0, 4096).toString("latin1");
  const m = head.match(/<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)/i);
  if (m) charset = label(m[1]);
}
let text;
try {
  text = new TextDecoder(charset || "utf-8", { fatal: true }).decode(bytes);
} catch {
  text = new TextDecoder(charset && charset !== "utf-8" ? charset : "gb18030").decode(bytes);
}
const dom = new JSDOM(text, { url, virtualConsole: new VirtualConsole() });
const article = new Readability(dom.window.document).parse();
process.stdout.write(article && article.textContent ? article.textContent : "");
