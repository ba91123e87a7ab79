/**
 * `primesim mc --queue` and `primesim worker` ask the Redis for a PING before BullMQ connects:
 * against an address where nothing listens they used to hang, printing an ioredis stack for every
 * retry. Checked against hand-made servers (what is sent, each kind of answer) and a real
 * redis-server with a password.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { checkRedis } from '../../src/mc/redis-check.ts';
import { primesim } from '../helpers/cli.ts';

const servers: Server[] = [];
const procs: ChildProcess[] = [];
afterAll(() => {
  for (const s of servers) s.close();
  for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** A server that records what it is sent and answers each complete command with `reply(command)`. */
async function fake(reply: (cmd: string[]) => string, port?: number): Promise<{ port: number; got: string[][] }> {
  const got: string[][] = [];
  const server = createServer((c) => {
    let buf = '';
    c.on('data', (d) => {
      buf += d.toString('latin1');
      // RESP arrays of bulk strings: *n\r\n($len\r\narg\r\n)×n
      for (;;) {
        const m = /^\*(\d+)\r\n/.exec(buf);
        if (!m) return;
        let at = m[0].length;
        const args: string[] = [];
        for (let i = 0; i < Number(m[1]); i++) {
          const b = /^\$(\d+)\r\n/.exec(buf.slice(at));
          if (!b || buf.length < at + b[0].length + Number(b[1]) + 2) return;
          at += b[0].length;
          args.push(buf.slice(at, at + Number(b[1])));
          at += Number(b[1]) + 2;
        }
        buf = buf.slice(at);
        got.push(args);
        c.write(reply(args));
      }
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(port ?? 0, '127.0.0.1', () => r()));
  return { port: (server.address() as { port: number }).port, got };
}

describe('the Redis of a queue is checked before use', () => {
  it('a PING answered +PONG passes; with a password, AUTH goes first', async () => {
    const s = await fake((c) => (c[0] === 'PING' ? '+PONG\r\n' : '+OK\r\n'));
    await checkRedis({ host: '127.0.0.1', port: s.port });
    await checkRedis({ host: '127.0.0.1', port: s.port, password: 'p@ss word' });
    expect(s.got).toEqual([['PING'], ['AUTH', 'p@ss word'], ['PING']]);
  });

  it('refused, a Redis that wants a password, a wrong password, not a Redis: one error naming the address', async () => {
    const port = await freePort();
    await expect(checkRedis({ host: '127.0.0.1', port }, { waitMs: 0 })).rejects.toThrow(new RegExp(`cannot use the Redis at redis://127\\.0\\.0\\.1:${port}: connection refused .*redis-server --port ${port}`));
    const locked = await fake((c) => (c[0] === 'AUTH' ? '-WRONGPASS invalid username-password pair or user is disabled.\r\n' : '-NOAUTH Authentication required.\r\n'));
    await expect(checkRedis({ host: '127.0.0.1', port: locked.port })).rejects.toThrow(/NOAUTH Authentication required\..*it wants a password: redis:\/\/:<password>@host:port/);
    await expect(checkRedis({ host: '127.0.0.1', port: locked.port, password: 'x' })).rejects.toThrow(/WRONGPASS.*check the password/);
    const http = await fake(() => 'HTTP/1.1 400 Bad Request\r\n\r\n');
    await expect(checkRedis({ host: '127.0.0.1', port: http.port })).rejects.toThrow(/not a Redis \(it answered "HTTP\/1\.1 400 Bad Request"\)/);
    const silent = await fake(() => '');
    await expect(checkRedis({ host: '127.0.0.1', port: silent.port }, { timeoutMs: 300 })).rejects.toThrow(/no answer within 0\.3 s/);
  });

  it('a refused connection is retried for a while: a Redis that starts a moment later is found', async () => {
    const port = await freePort();
    const check = checkRedis({ host: '127.0.0.1', port }, { waitMs: 10_000 });
    await new Promise((r) => setTimeout(r, 600));
    await fake(() => '+PONG\r\n', port);
    await expect(check).resolves.toBeUndefined();
  });

  it('a real redis-server with a password; the CLI stops at once with one line where none listens', async () => {
    const port = await freePort();
    const r = await primesim(['worker', '--queue', `redis://127.0.0.1:${port}`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([`primesim: ConfigError: field --queue: cannot use the Redis at redis://127.0.0.1:${port}: connection refused (nothing listens there) (start one there (\`redis-server --port ${port}\`; Debian: sudo apt-get install -y redis-server) or give the right --queue URL)`]);
    if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status !== 0) return;
    const rport = await freePort();
    procs.push(spawn('redis-server', ['--port', String(rport), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--requirepass', 's3cret'], { stdio: 'ignore' }));
    await checkRedis({ host: '127.0.0.1', port: rport, password: 's3cret' }, { waitMs: 20_000 });
    await expect(checkRedis({ host: '127.0.0.1', port: rport })).rejects.toThrow(/NOAUTH/);
    await expect(checkRedis({ host: '127.0.0.1', port: rport, password: 'nope' })).rejects.toThrow(/WRONGPASS|invalid password/);
  }, 120_000);
});
