import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

const HOST = '127.0.0.1';

/** A port on 127.0.0.1 that is free for both TCP and UDP at the time of the call. */
export async function freePort(attempts = 20): Promise<number> {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const port = await freeTcpPort();
    if (await udpPortIsFree(port)) return port;
  }
  throw new Error(`no port free for both TCP and UDP on ${HOST} after ${attempts} attempts`);
}

function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function udpPortIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind(port, HOST, () => socket.close(() => resolve(true)));
  });
}
