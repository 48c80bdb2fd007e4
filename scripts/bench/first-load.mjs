// How much JavaScript a first visit to a page loads, raw and gzipped.
import { gzipSync } from "node:zlib";

/** Every script a first visit loads: <script src>, <link rel=modulepreload>, and imports in inline modules. */
export async function firstLoadJs(baseUrl, path) {
  const html = await (await fetch(`${baseUrl}${path}`)).text();
  const urls = new Set();
  for (const [, src] of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)) urls.add(src);
  for (const [tag] of html.matchAll(/<link\b[^>]*>/g)) {
    if (/\brel="modulepreload"/.test(tag)) urls.add(tag.match(/\bhref="([^"]+)"/)?.[1]);
  }
  for (const [, body] of html.matchAll(/<script\b[^>]*type="module"[^>]*>([\s\S]*?)<\/script>/g)) {
    for (const [, spec] of body.matchAll(/\bimport\s*(?:[\w*{}\s,]+from\s*)?\(?\s*"([^"]+)"/g)) urls.add(spec);
  }
  urls.delete(undefined);
  const files = [];
  for (const src of urls) {
    const response = await fetch(new URL(src, `${baseUrl}${path}`));
    if (!response.ok || !/javascript/.test(response.headers.get("content-type") ?? "")) throw new Error(`${src}: ${response.status} ${response.headers.get("content-type")}`);
    const body = Buffer.from(await response.arrayBuffer());
    files.push({ src, raw: body.length, gzip: gzipSync(body, { level: 9 }).length });
  }
  const htmlBytes = Buffer.from(html);
  return {
    files,
    jsRaw: files.reduce((sum, file) => sum + file.raw, 0),
    jsGzip: files.reduce((sum, file) => sum + file.gzip, 0),
    htmlRaw: htmlBytes.length,
    htmlGzip: gzipSync(htmlBytes, { level: 9 }).length,
  };
}
