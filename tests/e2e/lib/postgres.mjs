// A private PostgreSQL 15 for end-to-end tests: initdb in a temp directory owned by the
// `postgres` user (initdb/pg_ctl refuse root, so as root they run through runuser), trust auth on
// loopback, a free port; stop()/start() to take it away under a running server; destroy() at the
// end. The same conventions as the C++ harness (tests/support/postgres_server.cc).
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

function binDir() {
  const root = '/usr/lib/postgresql';
  if (existsSync(`${root}/15/bin/pg_ctl`)) return `${root}/15/bin`;
  for (const version of readdirSync(root)) {
    if (existsSync(`${root}/${version}/bin/pg_ctl`)) return `${root}/${version}/bin`;
  }
  throw new Error(`no PostgreSQL server binaries under ${root}; run scripts/setup`);
}

function postgresIds() {
  const line = execFileSync('getent', ['passwd', 'postgres'], { encoding: 'utf8' });
  const [, , uid, gid] = line.trim().split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export async function startPostgres() {
  const root = mkdtempSync(path.join(tmpdir(), 'mystocks-pg-'));
  const asRoot = process.getuid() === 0;
  if (asRoot) {
    const { uid, gid } = postgresIds();
    chownSync(root, uid, gid);
    chmodSync(root, 0o700);
  }
  const dataDir = path.join(root, 'data');
  const logFile = path.join(root, 'server.log');
  const bin = binDir();
  const run = (tool, args) => {
    const argv = asRoot ? ['-u', 'postgres', '--', `${bin}/${tool}`, ...args] : args;
    return execFileSync(asRoot ? 'runuser' : `${bin}/${tool}`, argv, { encoding: 'utf8', stdio: 'pipe' });
  };
  run('initdb', ['-D', dataDir, '--auth=trust', '-U', 'postgres', '--encoding=UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  const conf = `listen_addresses = '127.0.0.1'\nport = ${port}\nunix_socket_directories = '${root}'\n` +
    'max_connections = 50\nfsync = off\n';
  writeFileSync(path.join(dataDir, 'postgresql.auto.conf'), conf, { flag: 'a' });
  const pg = {
    port,
    address: `127.0.0.1:${port}`,
    start() { run('pg_ctl', ['-D', dataDir, '-l', logFile, '-w', '-t', '60', '-s', 'start']); },
    stop() { run('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', '-t', '60', '-s', 'stop']); },
    destroy() {
      try { pg.stop(); } catch { /* already stopped */ }
      rmSync(root, { recursive: true, force: true });
    },
  };
  pg.start();
  return pg;
}
