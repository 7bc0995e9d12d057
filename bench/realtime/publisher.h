// The load generator's publisher: POSTs market updates to the server's publish route
// (POST /api/v1/realtime/publish on both servers) over one keep-alive HTTP/1.1 connection, each
// carrying its sequence number and the wall-clock microsecond it was sent, so clients can time
// the delivery. With a bearer token (MyStocks: an operator's access token) every request sends
// `Authorization: Bearer <token>`. Blocking calls, meant for the control thread only.
// Thread-safety: not thread-safe; one thread uses a Publisher.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace mystocks::bench {

class Publisher {
 public:
  Publisher(std::string host, uint16_t port, std::string path, std::string bearer_token = {});
  ~Publisher();
  Publisher(const Publisher&) = delete;
  Publisher& operator=(const Publisher&) = delete;

  // Publishes {"kind","symbol","data":{seq, sent_us, ...},"timestamp"} with sent_us = now; waits
  // for the 200. Reconnects once on a dropped keep-alive connection. Returns an empty string on
  // success, otherwise what went wrong.
  std::string publish(const std::string& kind, const std::string& symbol, uint32_t seq);

 private:
  struct Connection;
  std::string host_;
  uint16_t port_;
  std::string path_;
  std::string bearer_token_;
  std::unique_ptr<Connection> connection_;
};

}  // namespace mystocks::bench
