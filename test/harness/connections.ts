/**
 * Records the host of every TCP connection the test process opens (http, https and the AWS SDK
 * alike: they all end in net.Socket#connect), for "nothing was sent there" assertions.
 */
import { Socket } from 'node:net';
import { vi } from 'vitest';

export function recordConnections(): { hosts(): string[]; restore(): void } {
  const spy = vi.spyOn(Socket.prototype, 'connect');
  return {
    hosts: () =>
      spy.mock.calls.map((args) => {
        // net.createConnection hands connect() its normalised arguments as one array.
        const first = (Array.isArray(args[0]) ? args[0][0] : args[0]) as unknown;
        if (typeof first === 'object' && first !== null) {
          const o = first as { host?: string; path?: string };
          return o.host ?? o.path ?? 'localhost';
        }
        return typeof args[1] === 'string' ? args[1] : 'localhost';
      }),
    restore: () => spy.mockRestore(),
  };
}
