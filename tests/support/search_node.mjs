// Runs theme/static/js/search.js in node for the Python tests and bench/search.py.
//   node tests/support/search_node.mjs terms            stdin: JSON list of strings → parseQuery of each
//   node tests/support/search_node.mjs search <dir>     stdin: JSON list of {q, options} → ranked ids, bytes, ms
// Every search starts cold (a fresh index object), so `bytes` is what a first query downloads.
import { createRequire } from "node:module";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const search = require(path.join(here, "..", "..", "theme", "static", "js", "search.js"));

async function stdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

function fileFetch(root) {
  return async (url) => {
    const file = path.join(root, url);
    if (!path.resolve(file).startsWith(path.resolve(root))) return { ok: false, status: 403 };
    try {
      const data = await readFile(file);
      return { ok: true, status: 200, arrayBuffer: async () => data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) };
    } catch {
      return { ok: false, status: 404 };
    }
  };
}

const [mode, dir] = process.argv.slice(2);
const input = await stdin();
if (mode === "terms") {
  process.stdout.write(JSON.stringify(input.map((text) => search.parseQuery(text))));
} else if (mode === "search") {
  const out = [];
  for (const item of input) {
    const index = new search.SearchIndex("", fileFetch(dir));
    const started = performance.now();
    const found = await index.search(item.q, item.options || {});
    const ms = performance.now() - started;
    out.push({
      q: item.q,
      total: found.total,
      ids: found.results.map((r) => r.doc.id),
      titles: found.results.map((r) => r.doc.t),
      bytes: index.bytes,
      ms,
    });
  }
  process.stdout.write(JSON.stringify(out));
} else {
  console.error("usage: search_node.mjs terms | search <index dir>");
  process.exit(2);
}
