// Turns the load generator's JSON lines (bench/realtime/run.sh) into the Markdown tables of
// docs/performance.md "Realtime fan-out": a goals table (MyStocks vs Node with ratios) and one
// detail row per server and scenario. With several rounds, every number is the median.
//   usage: node bench/realtime/report.mjs results.jsonl
import { readFileSync } from 'node:fs';

const kPrimary = 'mystocks';
const kReference = 'node';
const kFanOutSize = 10000;

const lines = readFileSync(process.argv[2], 'utf8').split('\n').filter((line) => line.trim());
const parsed = lines.map((line) => JSON.parse(line));
const results = parsed.filter((result) => !result.floor);
const floors = parsed.filter((result) => result.floor).map((result) => result.floor);

function median(values) {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const is_burst = (result) => (result.throughput?.broadcasts ?? 0) > 0;
function pick(server, connections, burst) {
  return results.filter((result) => result.server === server && result.connections_target === connections &&
                                     !result.error && is_burst(result) === burst);
}
const stat = (rows, get) => median(rows.map(get));

function fmt(value, digits = 0) {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? (a / b).toFixed(2) : 'n/a');

const servers = [...new Set(results.map((result) => result.server))];
const hold_sizes = [...new Set(results.filter((r) => !is_burst(r)).map((r) => r.connections_target))].sort((a, b) => a - b);
const burst_sizes = [...new Set(results.filter(is_burst).map((r) => r.connections_target))];
const largest = hold_sizes.at(-1);
const rounds = Math.max(...servers.map((server) => pick(server, largest, false).length), 0);

// ---- goals table ----
const memory = (server, size) => stat(pick(server, size, false), (r) => r.server_bytes_per_connection / 1024);
const held = (server, size) => stat(pick(server, size, false), (r) => r.connected_at_end ?? r.connected);
const fan_out = (server, key) => stat(pick(server, kFanOutSize, false), (r) => r.latency.delivery[key]);
const burst_rate = (server) => stat(pick(server, burst_sizes[0], true), (r) => r.throughput.messages_per_s);

const rows = [
  { name: `Connections held (of ${fmt(largest)})`, get: (s) => held(s, largest), digits: 0,
    goal: `≥ ${fmt(largest)}`, met: (m) => m >= largest },
  { name: `Memory per connection at ${fmt(largest)} (KB)`, get: (s) => memory(s, largest), digits: 1,
    goal: '≤ 1/4 of Node', met: (m, n) => m <= n / 4 },
  { name: `Memory per connection at ${fmt(kFanOutSize)} (KB)`, get: (s) => memory(s, kFanOutSize), digits: 1 },
  { name: `Fan-out p50 to ${fmt(kFanOutSize)} subscribers (ms)`, get: (s) => fan_out(s, 'p50_ms'), digits: 1 },
  { name: `Fan-out p99 to ${fmt(kFanOutSize)} subscribers (ms)`, get: (s) => fan_out(s, 'p99_ms'), digits: 1,
    goal: '≤ 50 ms and ≤ 1/5 of Node', met: (m, n) => m <= 50 && m <= n / 5 },
  { name: `Delivered messages/s (burst to ${fmt(burst_sizes[0])} subscribers)`, get: burst_rate, digits: 0,
    goal: '≥ 3× Node', met: (m, n) => m >= 3 * n },
];
const others = servers.filter((server) => server !== kPrimary && server !== kReference);
const header = ['Metric', `MyStocks (\`${kPrimary}\`)`, 'Node socket.io 4.8.1', 'MyStocks/Node',
                ...others.map((server) => `\`${server}\``), 'Goal', 'Met'];
console.log(`Goals (median of ${rounds} round${rounds === 1 ? '' : 's'}):\n`);
console.log(`| ${header.join(' | ')} |`);
console.log(`| ${header.map((_, index) => (index === 0 || index >= header.length - 2 ? '---' : '---:')).join(' | ')} |`);
for (const row of rows) {
  const mine = row.get(kPrimary);
  const theirs = row.get(kReference);
  const known = Number.isFinite(mine) && Number.isFinite(theirs);
  const met = !row.met ? '' : !known ? 'n/a' : row.met(mine, theirs) ? 'yes' : '**no**';
  console.log(`| ${[row.name, fmt(mine, row.digits), fmt(theirs, row.digits), ratio(mine, theirs),
                    ...others.map((server) => fmt(row.get(server), row.digits)), row.goal ?? '', met].join(' | ')} |`);
}

// ---- detail table ----
console.log('\nEvery scenario (medians; CPU per delivery = CPU seconds of the phase / deliveries; ' +
            'backlog = peak unread bytes summed over all generator sockets):\n');
console.log('| Server | Scenario | Held | KB/conn | p50 ms | p99 ms | max ms | msg/s | Server CPU µs/delivery | ' +
            'Generator CPU µs/delivery | Generator backlog peak KB | Load avg |');
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const server of servers) {
  for (const [size, burst] of [...hold_sizes.map((size) => [size, false]), ...burst_sizes.map((size) => [size, true])]) {
    const picked = pick(server, size, burst);
    if (picked.length === 0) continue;
    const phase = (r) => (burst ? r.throughput : r.latency);
    const delivered = (r) => phase(r).delivered;
    console.log(`| ${[
      server,
      burst ? `burst ${fmt(size)} × ${picked[0].throughput.broadcasts} ticks` : `hold ${fmt(size)}, ${picked[0].latency.broadcasts} spaced quotes`,
      fmt(stat(picked, (r) => r.connected_at_end ?? r.connected)),
      burst ? '' : fmt(stat(picked, (r) => r.server_bytes_per_connection / 1024), 1),
      fmt(stat(picked, (r) => phase(r).delivery?.p50_ms), 1),
      fmt(stat(picked, (r) => phase(r).delivery?.p99_ms), 1),
      fmt(stat(picked, (r) => phase(r).delivery?.max_ms), 1),
      burst ? fmt(stat(picked, (r) => r.throughput.messages_per_s)) : '',
      fmt(stat(picked, (r) => (phase(r).server_cpu_s * 1e6) / delivered(r)), 1),
      fmt(stat(picked, (r) => (phase(r).generator_cpu_s * 1e6) / delivered(r)), 1),
      fmt(stat(picked, (r) => phase(r).generator_backlog.peak_total_bytes / 1024), 0),
      fmt(stat(picked, (r) => r.load_average_1m), 1),
    ].join(' | ')} |`);
  }
}
const failed = results.filter((result) => result.error || Object.keys(result.failures ?? {}).length > 0);
for (const result of failed) {
  console.log(`\nNote: ${result.server} at ${result.connections_target}: ${result.error ?? JSON.stringify(result.failures)}`);
}

// ---- the kernel's floor: raw loopback sends, no protocol (bench/realtime/loopback_floor.cc) ----
if (floors.length > 0) {
  console.log('\nKernel floor on this machine (no protocol: one send per socket, one epoll reader; medians ' +
              'of the rounds\' medians):\n');
  console.log('| Sender | Sockets | p50 ms | p99 ms | max ms | Send CPU µs/delivery | Receive CPU µs/delivery | Rounds |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const uring of [false, true]) {
    const picked = floors.filter((floor) => floor.uring === uring);
    if (picked.length === 0) continue;
    const at = (key, digits) => fmt(median(picked.map((floor) => floor[key])), digits);
    console.log(`| ${[uring ? 'io_uring, 256 sends per submit' : 'send() per socket', fmt(picked[0].connections),
                      at('p50_ms', 1), at('p99_ms', 1), at('max_ms', 1), at('send_cpu_us', 2),
                      at('recv_cpu_us', 2), picked.length].join(' | ')} |`);
  }
}
