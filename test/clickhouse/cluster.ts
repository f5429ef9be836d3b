/**
 * A throwaway two-shard ClickHouse cluster on loopback, for running the analyses against a real
 * distributed setup. It uses the `clickhouse-server` binary of Debian's `clickhouse-server`
 * package (18.16.1 on bookworm: `apt-get install -y clickhouse-server clickhouse-client`), which
 * runs fine as root with a config of its own: no systemd, no /etc or /var paths are touched.
 *
 * Each of the two servers gets its own temp dir (config.xml, users.xml, data/, logs), its own
 * http/tcp/interserver ports on 127.0.0.1, and the same `remote_servers` section: cluster `surge`
 * with two shards of one replica each (server 0, server 1). Create a local MergeTree table on each
 * server and a `Distributed(surge, db, local_table, shard_expr)` table over them.
 *
 *   import { startCluster } from './cluster.ts';
 *   const cluster = await startCluster();      // or { basePort: 19100 }
 *   ... POST SQL to cluster.urls[0] / cluster.urls[1] ...
 *   await cluster.stop();
 *
 * CLI: `npx tsx test/clickhouse/cluster.ts [--base-port N]` starts it, prints the URLs and stays
 * until Ctrl-C (or SIGTERM), then stops both servers and removes their temp dirs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ClusterOptions {
  /**
   * First of six consecutive ports: server i listens on http basePort+3i, tcp basePort+3i+1,
   * interserver http basePort+3i+2. Without it, free ports are picked by the OS.
   */
  basePort?: number;
  /** Server time zone (`<timezone>`); 'UTC' unless given, so results don't depend on the host. */
  timezone?: string;
  /** How long to wait for both servers to answer GET /ping; 30 s unless given. */
  startTimeoutMs?: number;
}

export interface Cluster {
  /** `http://127.0.0.1:PORT` of each of the two servers (shard 1, shard 2). */
  urls: string[];
  /** Native-protocol ports (for `clickhouse-client --port`), same order as `urls`. */
  tcpPorts: number[];
  /** The cluster name defined in every server's `remote_servers`: 'surge'. */
  clusterName: string;
  /** Stops both servers (SIGTERM, then SIGKILL after 10 s) and removes their temp dirs. */
  stop(): Promise<void>;
}

const CLUSTER_NAME = 'surge';
const SERVER_COUNT = 2;
const HOST = '127.0.0.1';

/** Path of the ClickHouse server binary, or null when ClickHouse is not installed. */
export function clickhouseBinary(): string | null {
  const fromEnv = process.env.CLICKHOUSE_SERVER_BIN;
  if (fromEnv && isExecutable(fromEnv)) return fromEnv;
  // Debian puts clickhouse-server in /usr/sbin, which is not on every PATH. Newer upstream
  // packages ship one `clickhouse` binary that is started as `clickhouse server`.
  const dirs = [
    ...(process.env.PATH ?? '').split(path.delimiter),
    '/usr/sbin',
    '/usr/bin',
    '/usr/local/bin',
  ];
  for (const name of ['clickhouse-server', 'clickhouse']) {
    for (const dir of dirs) {
      if (!dir) continue;
      const candidate = path.join(dir, name);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return null;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

interface ServerPorts {
  http: number;
  tcp: number;
  interserver: number;
}

interface Server {
  index: number;
  dir: string;
  ports: ServerPorts;
  child: ChildProcess;
  exited: Promise<void>;
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
  hasExited: boolean;
  output: string[];
}

function xml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function configXml(dir: string, ports: ServerPorts, all: ServerPorts[], timezone: string): string {
  const data = path.join(dir, 'data') + '/';
  const shards = all
    .map(
      (p) => `      <shard>
        <replica>
          <host>${HOST}</host>
          <port>${p.tcp}</port>
        </replica>
      </shard>`,
    )
    .join('\n');
  return `<?xml version="1.0"?>
<yandex>
  <logger>
    <level>information</level>
    <log>${xml(path.join(dir, 'server.log'))}</log>
    <errorlog>${xml(path.join(dir, 'server.err.log'))}</errorlog>
    <size>50M</size>
    <count>1</count>
    <console>0</console>
  </logger>
  <listen_host>${HOST}</listen_host>
  <http_port>${ports.http}</http_port>
  <tcp_port>${ports.tcp}</tcp_port>
  <interserver_http_port>${ports.interserver}</interserver_http_port>
  <interserver_http_host>${HOST}</interserver_http_host>
  <path>${xml(data)}</path>
  <tmp_path>${xml(data + 'tmp/')}</tmp_path>
  <user_files_path>${xml(data + 'user_files/')}</user_files_path>
  <format_schema_path>${xml(data + 'format_schemas/')}</format_schema_path>
  <users_config>${xml(path.join(dir, 'users.xml'))}</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>${xml(timezone)}</timezone>
  <max_connections>256</max_connections>
  <max_concurrent_queries>32</max_concurrent_queries>
  <keep_alive_timeout>3</keep_alive_timeout>
  <mark_cache_size>134217728</mark_cache_size>
  <uncompressed_cache_size>134217728</uncompressed_cache_size>
  <mlock_executable>false</mlock_executable>
  <remote_servers>
    <${CLUSTER_NAME}>
${shards}
    </${CLUSTER_NAME}>
  </remote_servers>
</yandex>
`;
}

const USERS_XML = `<?xml version="1.0"?>
<yandex>
  <profiles>
    <default>
      <max_memory_usage>4000000000</max_memory_usage>
      <use_uncompressed_cache>0</use_uncompressed_cache>
      <load_balancing>in_order</load_balancing>
    </default>
  </profiles>
  <users>
    <default>
      <password></password>
      <networks>
        <ip>127.0.0.1</ip>
        <ip>::1</ip>
      </networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
  </users>
  <quotas>
    <default>
      <interval>
        <duration>3600</duration>
        <queries>0</queries>
        <errors>0</errors>
        <result_rows>0</result_rows>
        <read_rows>0</read_rows>
        <execution_time>0</execution_time>
      </interval>
    </default>
  </quotas>
</yandex>
`;

/** Ports the OS hands out for port 0, all held open together so they are distinct. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const s = createServer();
          s.once('error', reject);
          s.listen(0, HOST, () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => {
    const address = s.address();
    if (address === null || typeof address === 'string') throw new Error('no port from listen(0)');
    return address.port;
  });
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  return ports;
}

async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const s = createServer();
    s.once('error', (e: Error) =>
      reject(new Error(`port ${HOST}:${port} is not free (${e.message})`)),
    );
    s.listen(port, HOST, () => s.close(() => resolve()));
  });
}

function tail(file: string, lines: number): string {
  if (!existsSync(file)) return `(no ${path.basename(file)})`;
  const all = readFileSync(file, 'utf8').trimEnd().split('\n');
  return all.slice(-lines).join('\n');
}

function diagnostics(server: Server): string {
  const out = server.output.join('').trim();
  return [
    `--- tail of ${path.join(server.dir, 'server.err.log')} ---`,
    tail(path.join(server.dir, 'server.err.log'), 25),
    ...(out ? ['--- stdout/stderr ---', out.slice(-4000)] : []),
  ].join('\n');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function pingOk(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(1000) });
    return res.ok && (await res.text()).trim() === 'Ok.';
  } catch {
    return false;
  }
}

function startServer(binary: string, index: number, dir: string, ports: ServerPorts): Server {
  const args = [`--config-file=${path.join(dir, 'config.xml')}`];
  if (path.basename(binary) === 'clickhouse') args.unshift('server');
  const child = spawn(binary, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const server: Server = {
    index,
    dir,
    ports,
    child,
    exited: Promise.resolve(),
    exitCode: null,
    exitSignal: null,
    hasExited: false,
    output: [],
  };
  let kept = 0;
  const keep = (chunk: Buffer) => {
    if (kept > 64_000) return;
    kept += chunk.length;
    server.output.push(chunk.toString('utf8'));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  server.exited = new Promise<void>((resolve) => {
    const done = (code: number | null, signal: NodeJS.Signals | null) => {
      server.hasExited = true;
      server.exitCode = code;
      server.exitSignal = signal;
      resolve();
    };
    child.once('exit', done);
    child.once('error', (e: Error) => {
      server.output.push(`spawn error: ${e.message}\n`);
      done(null, null);
    });
  });
  return server;
}

const STARTUP_FAILURE = /(^|\n)(Poco::Exception|DB::Exception|std::exception|Code: \d+)/;

async function waitReady(server: Server, url: string, deadline: number): Promise<void> {
  for (;;) {
    if (server.hasExited) {
      throw new Error(
        `clickhouse server ${server.index} (${url}) exited before answering /ping ` +
          `(code ${server.exitCode}, signal ${server.exitSignal})\n${diagnostics(server)}`,
      );
    }
    // A startup failure (bad config, port in use, bad time zone) is printed to stderr, and
    // 18.16 then sometimes hangs instead of exiting: fail fast on it.
    const printed = server.output.join('');
    if (STARTUP_FAILURE.test(printed)) {
      throw new Error(
        `clickhouse server ${server.index} (${url}) failed to start\n${diagnostics(server)}`,
      );
    }
    if (await pingOk(url)) return;
    if (Date.now() > deadline) {
      throw new Error(
        `clickhouse server ${server.index} (${url}) did not answer /ping with "Ok." in time\n` +
          diagnostics(server),
      );
    }
    await sleep(100);
  }
}

async function stopServer(server: Server, graceMs: number): Promise<void> {
  if (server.hasExited) return;
  server.child.kill('SIGTERM');
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = await Promise.race([
    server.exited.then(() => false),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), graceMs);
    }),
  ]);
  clearTimeout(timer);
  if (timedOut && !server.hasExited) {
    server.child.kill('SIGKILL');
    await server.exited;
  }
}

/** Starts two clickhouse-server processes forming cluster `surge` (two shards) on 127.0.0.1. */
export async function startCluster(opts: ClusterOptions = {}): Promise<Cluster> {
  const binary = clickhouseBinary();
  if (binary === null) {
    throw new Error(
      'clickhouse-server not found (looked at $CLICKHOUSE_SERVER_BIN, PATH, /usr/sbin): ' +
        'apt-get install -y clickhouse-server clickhouse-client',
    );
  }
  const timezone = opts.timezone ?? 'UTC';
  const timeoutMs = opts.startTimeoutMs ?? 30_000;

  let portList: number[];
  if (opts.basePort !== undefined) {
    const base = opts.basePort;
    if (!Number.isInteger(base) || base < 1024 || base + SERVER_COUNT * 3 > 65535) {
      throw new Error(
        `basePort must be an integer in 1024..${65535 - SERVER_COUNT * 3}, got ${base}`,
      );
    }
    portList = Array.from({ length: SERVER_COUNT * 3 }, (_, i) => base + i);
    for (const p of portList) await assertPortFree(p);
  } else {
    portList = await freePorts(SERVER_COUNT * 3);
  }
  const port = (i: number): number => {
    const p = portList[i];
    if (p === undefined) throw new Error(`missing port ${i}`);
    return p;
  };
  const allPorts: ServerPorts[] = Array.from({ length: SERVER_COUNT }, (_, i) => ({
    http: port(3 * i),
    tcp: port(3 * i + 1),
    interserver: port(3 * i + 2),
  }));

  const dirs: string[] = [];
  const servers: Server[] = [];
  let stopped = false;
  const killNow = () => {
    // Last resort when the parent exits without stop(): no await is possible here.
    for (const s of servers) if (!s.hasExited) s.child.kill('SIGKILL');
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  };
  process.once('exit', killNow);

  const stopWithin = async (graceMs: number): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await Promise.all(servers.map((s) => stopServer(s, graceMs)));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    process.removeListener('exit', killNow);
  };

  try {
    for (let i = 0; i < SERVER_COUNT; i++) {
      const ports = allPorts[i];
      if (ports === undefined) throw new Error(`missing ports of server ${i}`);
      const dir = mkdtempSync(path.join(tmpdir(), `surgescope-ch${i}-`));
      dirs.push(dir);
      mkdirSync(path.join(dir, 'data'), { recursive: true });
      writeFileSync(path.join(dir, 'config.xml'), configXml(dir, ports, allPorts, timezone));
      writeFileSync(path.join(dir, 'users.xml'), USERS_XML);
      servers.push(startServer(binary, i, dir, ports));
    }
    const urls = allPorts.map((p) => `http://${HOST}:${p.http}`);
    const deadline = Date.now() + timeoutMs;
    await Promise.all(servers.map((s, i) => waitReady(s, urls[i] ?? '', deadline)));
    return {
      urls,
      tcpPorts: allPorts.map((p) => p.tcp),
      clusterName: CLUSTER_NAME,
      stop: () => stopWithin(10_000),
    };
  } catch (e) {
    await stopWithin(2_000);
    throw e;
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const i = args.indexOf('--base-port');
  const basePort = i >= 0 ? Number(args[i + 1]) : undefined;
  if (basePort !== undefined && !Number.isInteger(basePort)) {
    console.error('usage: npx tsx test/clickhouse/cluster.ts [--base-port N]');
    process.exit(2);
  }
  const cluster = await startCluster(basePort === undefined ? {} : { basePort });
  console.log(`ClickHouse cluster '${cluster.clusterName}' is up (${clickhouseBinary()}):`);
  cluster.urls.forEach((url, n) => {
    console.log(`  shard ${n + 1}: ${url}   clickhouse-client --port ${cluster.tcpPorts[n]}`);
  });
  console.log('Ctrl-C to stop.');
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping ...`);
    cluster.stop().then(
      () => process.exit(0),
      (e: unknown) => {
        console.error(e);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Keep the event loop alive until a signal arrives.
  setInterval(() => undefined, 1 << 30);
}

if (
  process.argv[1] !== undefined &&
  path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)
) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
