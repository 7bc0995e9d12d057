#include "support/free_port.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mystocks::test {

Result<int> pick_free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return error(ErrorCode::kIoError, "socket(AF_INET) failed: {}", std::strerror(errno));
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  Status status;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    status = error(ErrorCode::kUnavailable, "bind(127.0.0.1:0) failed: {}", std::strerror(errno));
  } else if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    status = error(ErrorCode::kIoError, "getsockname failed: {}", std::strerror(errno));
  }
  ::close(fd);
  if (!status.is_ok()) return status;
  return static_cast<int>(ntohs(address.sin_port));
}

}  // namespace mystocks::test
