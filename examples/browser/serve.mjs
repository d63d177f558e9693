#!/usr/bin/env node
// A static server for a folder written by `pixpnet export` (browsers refuse module scripts and fetches from file://).
// Local only (127.0.0.1); prints the address on its first line.
//
//   node examples/browser/serve.mjs logs/protonet/synthparts/protonet/<timestamp>/export [--port 8000]
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values: o, positionals } = parseArgs({ allowPositionals: true, options: { port: { type: 'string', default: '8000' } } });
const root = path.resolve(positionals[0] ?? '.');
if (!fs.existsSync(path.join(root, 'index.html'))) {
  console.error(`${root} has no index.html: give the folder pixpnet export wrote.`);
  process.exit(2);
}
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.json': 'application/json', '.png': 'image/png', '.jpg': 'image/jpeg', '.wasm': 'application/wasm', '.bin': 'application/octet-stream' };
const server = http.createServer((req, res) => {
  const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
  const file = path.join(root, rel === '/' ? 'index.html' : rel);
  if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
  fs.createReadStream(file).pipe(res);
});
server.listen(Number(o.port), '127.0.0.1', () => console.log(`http://127.0.0.1:${server.address().port}/`));
