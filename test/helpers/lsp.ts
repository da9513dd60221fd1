// A minimal Language Server Protocol client over a child's stdio, as an editor speaks it: framed
// JSON-RPC (Content-Length headers), requests with ids, notifications, and answers to the
// server's own requests (workspace/configuration gets `settings`, anything else null).
import type { Child } from './process.ts';

type Message = { id?: number | string; method?: string; params?: unknown; result?: unknown; error?: { message: string } };

export interface LspClient {
  request(method: string, params: unknown): Promise<unknown>;
  notify(method: string, params: unknown): void;
  /** The first notification with this method whose params satisfy `match` (earlier ones count too). */
  notification<T>(method: string, match: (params: T) => boolean, timeoutMs?: number): Promise<T>;
}

export function lspClient(child: Child, settings: Record<string, unknown>): LspClient {
  const { stdin, stdout } = child.process;
  if (stdin === null || stdout === null) throw new Error('the language server needs piped stdin and stdout');
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const seen: Message[] = [];
  const waiters = new Set<() => void>();

  const send = (message: Record<string, unknown>): void => {
    const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...message }), 'utf8');
    stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    stdin.write(body);
  };

  const handle = (message: Message): void => {
    if (message.method !== undefined && message.id !== undefined) {
      // A request from the server.
      const items = (message.params as { items?: { section?: string }[] } | undefined)?.items ?? [];
      const result = message.method === 'workspace/configuration' ? items.map((i) => (i.section === undefined ? settings : settings[i.section] ?? null)) : null;
      send({ id: message.id, result });
      return;
    }
    if (message.method !== undefined) {
      seen.push(message);
      for (const wake of waiters) wake();
      return;
    }
    const waiting = pending.get(Number(message.id));
    if (waiting === undefined) return;
    pending.delete(Number(message.id));
    if (message.error !== undefined) waiting.reject(new Error(message.error.message));
    else waiting.resolve(message.result);
  };

  let buffer = Buffer.alloc(0);
  stdout.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const headerEnd = buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: *(\d+)/i.exec(buffer.subarray(0, headerEnd).toString('ascii'))?.[1]);
      if (buffer.length < headerEnd + 4 + length) return;
      const body = buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8');
      buffer = buffer.subarray(headerEnd + 4 + length);
      handle(JSON.parse(body) as Message);
    }
  });

  return {
    request(method, params) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        send({ id, method, params });
      });
    },
    notify(method, params) {
      send({ method, params });
    },
    notification<T>(method: string, match: (params: T) => boolean, timeoutMs = 30_000): Promise<T> {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const found = seen.find((m) => m.method === method && match(m.params as T));
          if (found === undefined) return false;
          waiters.delete(wake);
          clearTimeout(timer);
          resolve(found.params as T);
          return true;
        };
        const wake = (): void => void check();
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(new Error(`no ${method} notification within ${timeoutMs} ms`));
        }, timeoutMs);
        if (!check()) waiters.add(wake);
      });
    },
  };
}
