/**
 * Requests answered before the server stops: an assistant (or a shell pipe) may close stdin
 * right after its last request, and that request's answer must still go out. Counts requests
 * in and responses out on a connected transport.
 */
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';

export function trackInFlight(transport: Transport): { idle(): Promise<void> } {
  let pending = 0;
  let waiters: (() => void)[] = [];
  const received = transport.onmessage;
  transport.onmessage = (message, extra) => {
    if ('method' in message && 'id' in message) pending++;
    received?.(message, extra);
  };
  const send = transport.send.bind(transport);
  transport.send = async (message, options) => {
    try {
      await send(message, options);
    } finally {
      if (!('method' in message) && 'id' in message && pending > 0 && --pending === 0) {
        for (const wake of waiters) wake();
        waiters = [];
      }
    }
  };
  return {
    idle: () => (pending === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
  };
}
