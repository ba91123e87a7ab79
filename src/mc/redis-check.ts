/**
 * Is there a Redis at this address? One PING (after AUTH when the URL has a password) over a
 * plain socket, with a timeout. BullMQ's client (ioredis) retries a refused connection forever and
 * prints a stack for every attempt: `primesim mc --queue` and `primesim worker` against a wrong
 * address or a Redis that is not running hung and flooded the terminal. They ask this first and
 * stop with one line naming the address.
 */
import { connect } from 'node:net';
import { ConfigError } from '../errors.ts';

export interface RedisAddress {
  host: string;
  port: number;
  password?: string;
}

/** A RESP command: an array of bulk strings. */
const resp = (...args: string[]) => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;

/**
 * Resolves when the Redis answers PING; rejects with one ConfigError naming the address. A refused
 * connection is retried for `waitMs` (a script that starts redis-server and the workers together
 * is not refused for being a few hundred milliseconds early).
 */
export async function checkRedis(a: RedisAddress, o: { waitMs?: number; timeoutMs?: number } = {}): Promise<void> {
  const until = Date.now() + (o.waitMs ?? 5000);
  for (;;) {
    try {
      return await pingOnce(a, o.timeoutMs ?? 3000);
    } catch (e) {
      if (!(e instanceof RefusedError) || Date.now() >= until) throw e instanceof RefusedError ? e.error : e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

class RefusedError extends Error {
  constructor(readonly error: ConfigError) {
    super(error.message);
  }
}

function pingOnce(a: RedisAddress, timeoutMs: number): Promise<void> {
  const where = `redis://${a.host}:${a.port}`;
  const fail = (why: string, hint?: string) => new ConfigError(`cannot use the Redis at ${where}: ${why}`, { field: '--queue', hint: hint ?? `start one there (\`redis-server --port ${a.port}\`; Debian: sudo apt-get install -y redis-server) or give the right --queue URL` });
  return new Promise((resolve, reject) => {
    const s = connect({ host: a.host, port: a.port });
    let got = '';
    const done = (e?: Error) => {
      s.destroy();
      if (e) reject(e);
      else resolve();
    };
    s.setTimeout(timeoutMs, () => done(fail(`no answer within ${timeoutMs / 1000} s`)));
    s.on('error', (e: NodeJS.ErrnoException) => done(e.code === 'ECONNREFUSED' ? new RefusedError(fail('connection refused (nothing listens there)')) : fail(e.code === 'ENOTFOUND' ? `unknown host ${a.host}` : e.message)));
    s.on('connect', () => s.write((a.password !== undefined ? resp('AUTH', a.password) : '') + resp('PING')));
    s.on('data', (d) => {
      got += d.toString('latin1');
      // Each reply is one line: +OK / +PONG, or -ERR … (a wrong password, NOAUTH).
      const lines = got.split('\r\n').filter((l) => l.length > 0);
      const err = lines.find((l) => l.startsWith('-'));
      if (err) return done(fail(err.slice(1), a.password === undefined && /NOAUTH/.test(err) ? 'it wants a password: redis://:<password>@host:port' : 'check the password in the --queue URL'));
      if (lines.some((l) => l === '+PONG')) return done();
      if (lines.length > 0 && !lines.every((l) => l.startsWith('+'))) done(fail(`not a Redis (it answered ${JSON.stringify(lines[0]!.slice(0, 40))})`, 'give the address of a Redis server'));
    });
  });
}
