// loopback_floor: what one broadcast to N loopback TCP sockets costs on this machine with no
// protocol at all, the floor under any fan-out server measured with a local load generator.
//
// One process holds N connected socket pairs. The sender side (--send-threads threads, each
// owning a slice of the sockets) writes one message of --bytes bytes to every socket; the receiver
// side (a forked process with --recv-threads epoll threads) reads them and notes when the last one
// arrived. Latency = receive time - send start, per socket, as in the realtime benchmark.
//
//   loopback_floor [--connections 10000] [--bytes 180] [--rounds 10] [--send-threads 2]
//                  [--recv-threads 1] [--uring 0|1] [--json 0|1]
// Prints one line per round (p50, p99, max in ms; sender and receiver CPU in µs per delivery),
// or with --json 1 one JSON line of the medians (bench/realtime/run.sh collects it).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#if MYSTOCKS_HAVE_LIBURING
#include <liburing.h>
#endif

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#ifndef MYSTOCKS_HAVE_LIBURING
#define MYSTOCKS_HAVE_LIBURING 0
#endif

namespace {

struct Options {
  int connections = 10'000;
  int bytes = 180;
  int rounds = 10;
  int send_threads = 2;
  int recv_threads = 1;
  bool uring = false;  // sender submits its sends through io_uring, 256 per io_uring_enter
  bool json = false;   // one JSON line of medians instead of a line per round
};

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t middle = values.size() / 2;
  return values.size() % 2 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

[[noreturn]] void die(const char* what) {
  std::perror(what);
  std::exit(1);
}

// Receiver: every message carries the send start time in its first 8 bytes. Each thread waits on
// its own epoll set; the results go back to the parent through a pipe, one line per round.
void run_receiver(const Options& options, const std::vector<int>& sockets, int report_fd) {
  const int threads = options.recv_threads;
  std::vector<int> epolls(static_cast<size_t>(threads));
  for (int& epoll_fd : epolls) epoll_fd = epoll_create1(0);
  for (size_t index = 0; index < sockets.size(); ++index) {
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = index;
    epoll_ctl(epolls[index % static_cast<size_t>(threads)], EPOLL_CTL_ADD, sockets[index], &event);
  }
  const size_t total = sockets.size();
  for (int round = 0; round < options.rounds; ++round) {
    std::vector<int64_t> latencies(total, -1);
    std::atomic<size_t> received{0};
    const double cpu_before = cpu_seconds();
    std::vector<std::thread> workers;
    for (int thread_idx = 0; thread_idx < threads; ++thread_idx) {
      workers.emplace_back([&, epoll_fd = epolls[static_cast<size_t>(thread_idx)]] {
        epoll_event events[256];
        char buffer[4096];
        while (received.load(std::memory_order_relaxed) < total) {
          const int ready = epoll_wait(epoll_fd, events, 256, 100);
          for (int event_idx = 0; event_idx < ready; ++event_idx) {
            const size_t index = events[event_idx].data.u64;
            const ssize_t got = recv(sockets[index], buffer, sizeof buffer, MSG_DONTWAIT);
            if (got == 0) _exit(1);  // the sender closed: it failed, stop rather than spin
            if (got < 8 || latencies[index] >= 0) continue;
            int64_t sent = 0;
            std::memcpy(&sent, buffer, sizeof sent);
            latencies[index] = now_us() - sent;
            received.fetch_add(1, std::memory_order_relaxed);
          }
        }
      });
    }
    for (std::thread& worker : workers) worker.join();
    const double cpu = cpu_seconds() - cpu_before;
    std::sort(latencies.begin(), latencies.end());
    const auto at = [&](double quantile) {
      return static_cast<double>(latencies[static_cast<size_t>(quantile * (total - 1))]) / 1000.0;
    };
    const std::string line = std::to_string(at(0.5)) + " " + std::to_string(at(0.99)) + " " +
                             std::to_string(at(1.0)) + " " +
                             std::to_string(cpu * 1e6 / static_cast<double>(total)) + "\n";
    if (write(report_fd, line.data(), line.size()) < 0) die("write");
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  for (int arg = 1; arg + 1 < argc; arg += 2) {
    const std::string name = argv[arg];
    const int value = std::atoi(argv[arg + 1]);
    if (name == "--connections")
      options.connections = value;
    else if (name == "--bytes")
      options.bytes = std::max(value, 8);
    else if (name == "--rounds")
      options.rounds = value;
    else if (name == "--send-threads")
      options.send_threads = std::max(value, 1);
    else if (name == "--recv-threads")
      options.recv_threads = std::max(value, 1);
    else if (name == "--json")
      options.json = value != 0;
    else if (name == "--uring")
      options.uring = value != 0;
    else {
      std::fprintf(stderr, "unknown option %s\n", name.c_str());
      return 2;
    }
  }
  if (options.uring && !MYSTOCKS_HAVE_LIBURING) {
    std::fprintf(stderr, "--uring 1: built without liburing (install liburing-dev)\n");
    return 2;
  }
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);

  const int listener = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (bind(listener, reinterpret_cast<sockaddr*>(&address), length) != 0) die("bind");
  if (listen(listener, 4096) != 0) die("listen");
  getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);

  // The receiver is forked before connecting: each side then holds only its own N descriptors,
  // which keeps 10,000 pairs under a 20,000-file limit per process.
  int report[2];
  if (pipe(report) != 0) die("pipe");
  const pid_t child = fork();
  if (child == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a sender that died on an error
    close(listener);
    close(report[0]);
    std::vector<int> client_sockets;
    for (int index = 0; index < options.connections; ++index) {
      const int client = socket(AF_INET, SOCK_STREAM, 0);
      if (client < 0) die("socket");
      if (connect(client, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        die("connect");
      }
      client_sockets.push_back(client);
    }
    run_receiver(options, client_sockets, report[1]);
    _exit(0);
  }
  close(report[1]);
  FILE* results = fdopen(report[0], "r");
  std::vector<int> server_sockets;
  const int one = 1;
  for (int index = 0; index < options.connections; ++index) {
    const int server = accept(listener, nullptr, nullptr);
    if (server < 0) die("accept");
    setsockopt(server, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    server_sockets.push_back(server);
  }

  std::string message(static_cast<size_t>(options.bytes), 'x');
  if (!options.json) {
    std::printf("connections=%d bytes=%d send_threads=%d recv_threads=%d uring=%d\n",
                options.connections, options.bytes, options.send_threads, options.recv_threads,
                options.uring ? 1 : 0);
    std::printf("round p50_ms p99_ms max_ms send_cpu_us recv_cpu_us\n");
  }
  std::vector<std::vector<double>> columns(5);
  for (int round = 0; round < options.rounds; ++round) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const double cpu_before = cpu_seconds();
    const int64_t start = now_us();
    std::memcpy(message.data(), &start, sizeof start);
    std::vector<std::thread> senders;
    const size_t per_thread =
        (server_sockets.size() + static_cast<size_t>(options.send_threads) - 1) /
        static_cast<size_t>(options.send_threads);
    for (int thread_idx = 0; thread_idx < options.send_threads; ++thread_idx) {
      senders.emplace_back([&, thread_idx] {
        const size_t begin = static_cast<size_t>(thread_idx) * per_thread;
        const size_t end = std::min(server_sockets.size(), begin + per_thread);
        if (!options.uring) {
          for (size_t index = begin; index < end; ++index) {
            if (send(server_sockets[index], message.data(), message.size(), MSG_DONTWAIT) < 0) {
              die("send");
            }
          }
          return;
        }
#if MYSTOCKS_HAVE_LIBURING
        io_uring ring{};
        if (io_uring_queue_init(512, &ring, 0) != 0) die("io_uring_queue_init");
        size_t index = begin;
        while (index < end) {
          unsigned queued = 0;
          for (; index < end && queued < 256; ++index, ++queued) {
            io_uring_sqe* sqe = io_uring_get_sqe(&ring);
            io_uring_prep_send(sqe, server_sockets[index], message.data(), message.size(),
                               MSG_DONTWAIT);
          }
          io_uring_submit_and_wait(&ring, queued);
          io_uring_cqe* cqe = nullptr;
          for (unsigned done = 0; done < queued; ++done) {
            io_uring_wait_cqe(&ring, &cqe);
            if (cqe->res < 0) die("io_uring send");
            io_uring_cqe_seen(&ring, cqe);
          }
        }
        io_uring_queue_exit(&ring);
#endif
      });
    }
    for (std::thread& sender : senders) sender.join();
    const double send_cpu = (cpu_seconds() - cpu_before) * 1e6 / options.connections;
    double p50 = 0, p99 = 0, max = 0, recv_cpu = 0;
    if (std::fscanf(results, "%lf %lf %lf %lf", &p50, &p99, &max, &recv_cpu) != 4) {
      std::fprintf(stderr, "receiver ended early\n");
      return 1;
    }
    const double values[] = {p50, p99, max, send_cpu, recv_cpu};
    for (size_t column = 0; column < columns.size(); ++column)
      columns[column].push_back(values[column]);
    if (options.json) continue;
    std::printf("%d %.1f %.1f %.1f %.2f %.2f\n", round, p50, p99, max, send_cpu, recv_cpu);
    std::fflush(stdout);
  }
  if (options.json && options.rounds > 0) {
    std::printf(
        "{\"floor\":{\"connections\":%d,\"bytes\":%d,\"uring\":%s,\"send_threads\":%d,"
        "\"rounds\":%d,\"p50_ms\":%.1f,\"p99_ms\":%.1f,\"max_ms\":%.1f,"
        "\"send_cpu_us\":%.2f,\"recv_cpu_us\":%.2f}}\n",
        options.connections, options.bytes, options.uring ? "true" : "false", options.send_threads,
        options.rounds, median(columns[0]), median(columns[1]), median(columns[2]),
        median(columns[3]), median(columns[4]));
  }
  waitpid(child, nullptr, 0);
  return 0;
}
