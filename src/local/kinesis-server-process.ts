/**
 * Child process running kinesalite (the Kinesis API on LevelDB) so it gets its own core and event loop.
 * Stops with its parent (see supervised-process.ts).
 * argv: <host> <port, 0 = any free> <absolute store path>
 */
import type { AddressInfo } from 'node:net';
import kinesalite from 'kinesalite';
import { stopWhenParentGone, tellParent } from './supervised-process.ts';

const [host = '127.0.0.1', port = '0', storePath = ''] = process.argv.slice(2);

const server = kinesalite({
  path: storePath,
  createStreamMs: 0,
  deleteStreamMs: 0,
  updateStreamMs: 0,
  shardLimit: 100,
});
server.once('error', (error) => {
  tellParent({ type: 'listen-failed', message: String(error) });
  process.exit(1);
});
server.listen(Number(port), host, () => {
  tellParent({ type: 'listening', port: (server.address() as AddressInfo).port });
});

stopWhenParentGone(
  () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
);
