/**
 * A TCP proxy a test can cut and restore, to take a database away from a
 * running server and give it back, without touching the database itself;
 * or stall, to make it stop answering while connections stay open (a
 * network partition), which only timeouts end.
 */
import net from 'node:net';

export interface TcpProxy {
  port: number;
  /** Stops listening and severs every open connection: the target looks gone. */
  cut(): Promise<void>;
  /** Listens again on the same port. */
  restore(): Promise<void>;
  /** Keeps every connection open but forwards nothing, either way, and accepts new ones that never reach the target. */
  stall(): void;
  /** Ends a stall: the connections held through it are severed (as after a partition), new ones are forwarded. */
  unstall(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let stalled = false;
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  };
  const server = net.createServer((client) => {
    track(client);
    if (stalled) return; // held, never connected: severed by unstall()
    const upstream = net.connect(target.port, target.host);
    track(upstream);
    // Forwarding by hand rather than pipe(), so a stall can drop bytes while both ends stay open.
    client.on('data', (chunk) => void (stalled || upstream.write(chunk)));
    upstream.on('data', (chunk) => void (stalled || client.write(chunk)));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve((server.address() as net.AddressInfo).port);
      });
    });
  const port = await listen(0);
  const cut = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  return {
    port,
    cut,
    restore: async () => void (await listen(port)),
    stall: () => {
      stalled = true;
    },
    unstall: () => {
      stalled = false;
      for (const socket of sockets) socket.destroy();
    },
    close: async () => {
      if (server.listening) await cut();
    },
  };
}
