// testkit: a tiny HTTP server that stands in for a pod in tests: answers every path with who it is.
// Run as `node echo-server.ts --host H --port P`.

import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { host: { type: 'string' }, port: { type: 'string' } },
  strict: false,
});
const host = String(values.host ?? '127.0.0.1');
const port = Number(values.port ?? 8000);

const server = createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(
    JSON.stringify({
      pod: process.env.POD_NAME,
      namespace: process.env.POD_NAMESPACE,
      host,
      port,
      path: req.url,
    }),
  );
});
server.listen(port, host);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
