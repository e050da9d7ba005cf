/** Ports for the internal services (DynamoDB Local, S3, Step Functions), on the loopback interface unless said. */
import net from 'node:net';

export const LOOPBACK = '127.0.0.1';
/** Where DynamoDB Local listens: it binds every interface. */
export const ALL_INTERFACES = '0.0.0.0';

/** Binds `port` (0: any) on `host` for a moment: the port it got, or undefined when it was taken. */
function probe(port: number, host: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(undefined));
    server.listen({ port, host, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
}

/** A port that was free a moment ago on `host`; the caller binds it next. */
export async function freePort(host = LOOPBACK): Promise<number> {
  const port = await probe(0, host);
  if (!port) throw new Error('the system gave no free port');
  return port;
}

/** True when nothing listens on `port` of `host` at this moment. */
export async function isPortFree(port: number, host = LOOPBACK): Promise<boolean> {
  return (await probe(port, host)) === port;
}

/** Waits until something accepts TCP connections on the port, or throws after `timeoutMs`. */
export async function waitForPort(port: number, timeoutMs: number, host = LOOPBACK): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ port, host });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing answered on ${host}:${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
