// Serves the explorer's production build (dist/) with no dependencies, and tells the app which
// node to talk to (/config.json). `make run` starts it beside the dev node.
//
//   node serve.mjs [--port 8080] [--host 127.0.0.1] [--rpc ws://127.0.0.1:9944]
//   (or EXPLORER_PORT, EXPLORER_HOST, DEAI_RPC)
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.EXPLORER_PORT ?? '8080' },
    host: { type: 'string', default: process.env.EXPLORER_HOST ?? '127.0.0.1' },
    rpc: { type: 'string', default: process.env.DEAI_RPC ?? 'ws://127.0.0.1:9944' },
    history: { type: 'string', default: process.env.EXPLORER_HISTORY ?? '200' },
  },
});
const root = join(fileURLToPath(new URL('.', import.meta.url)), 'dist');
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.wasm': 'application/wasm',
};
const config = JSON.stringify({ rpc: values.rpc, history: Number(values.history) });

const server = createServer(async (request, response) => {
  let path;
  try {
    path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
  } catch {
    response.writeHead(400).end();
    return;
  }
  if (path === '/config.json') {
    response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    response.end(config);
    return;
  }
  // Only files under dist/; everything else is the app (it routes by the #fragment).
  const file = normalize(join(root, path === '/' ? 'index.html' : path));
  if (!file.startsWith(root + sep)) {
    response.writeHead(403).end();
    return;
  }
  try {
    const body = await readFile(file);
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    response.end(body);
  } catch {
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }
});
server.listen(Number(values.port), values.host, () => {
  console.log(`DeAI Explorer: http://${values.host}:${server.address().port} (node ${values.rpc})`);
});
