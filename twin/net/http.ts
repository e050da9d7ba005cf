/**
 * The HTTP plumbing the twin's services share: serving a listener on the loopback interface and reading a
 * request body within a limit.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { LOOPBACK } from './ports';

export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
}

export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

export type RunningServer = {
  server: http.Server;
  port: number;
  /** Stops accepting connections and ends the open ones (idle keep-alive sockets would hold `close` up). */
  close(): Promise<void>;
};

/** Serves a request listener on the loopback interface; `port` 0 picks a free one. A taken port rejects with `PortInUseError`. */
export function listen(
  listener: (request: IncomingMessage, response: ServerResponse) => void,
  port: number,
  host = LOOPBACK,
): Promise<RunningServer> {
  const server = http.createServer(listener);
  server.keepAliveTimeout = 5000;
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new PortInUseError(`Port ${port} is already in use: stop the program that holds it or choose another port.`)
          : error,
      );
    });
    server.listen(port, host, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      resolve({
        server,
        port: bound,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

/**
 * The request's body, or `BodyTooLargeError` as soon as its declared length or the bytes received pass `limit`.
 * The rest of a refused body is read and dropped, so the connection can still carry the answer.
 */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const refuse = () => {
      request.removeAllListeners('data');
      request.resume();
      reject(new BodyTooLargeError(`the request body is larger than ${limit} bytes`));
    };
    if (Number(request.headers['content-length'] ?? 0) > limit) {
      refuse();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) refuse();
      else chunks.push(chunk);
    });
    request.once('end', () => resolve(Buffer.concat(chunks)));
    request.once('error', reject);
  });
}
