#include "frontend/gdb_server.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace trapeze {

namespace {
// Virtual time per slice while the guest runs under a debugger: short enough that
// Ctrl-C is seen promptly.
constexpr uint64_t kSliceNs = 1'000'000;
}  // namespace

GdbServer::GdbServer(Machine& machine, Debugger& debugger, uint16_t port)
    : machine_(machine), debugger_(debugger), stub_(machine, debugger) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (listen_fd_ < 0)
    throw std::runtime_error(fmt::format("gdb: socket: {}", std::strerror(errno)));
  const int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) < 0 ||
      ::listen(listen_fd_, 1) < 0) {
    const std::string reason = std::strerror(errno);
    ::close(listen_fd_);
    throw std::runtime_error(
        fmt::format("--gdb {}: cannot listen on 127.0.0.1:{}: {}", port, port, reason));
  }
  spdlog::info("gdb: listening on 127.0.0.1:{}", port);
}

GdbServer::~GdbServer() {
  close_client();
  if (listen_fd_ >= 0) ::close(listen_fd_);
}

bool GdbServer::accept_client(bool block) {
  if (!block) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 0) <= 0) return false;
  }
  client_fd_ = ::accept(listen_fd_, nullptr, nullptr);
  if (client_fd_ < 0) return false;
  const int one = 1;
  ::setsockopt(client_fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  reader_ = GdbPacketReader{};
  return true;
}

void GdbServer::close_client() {
  if (client_fd_ >= 0) ::close(client_fd_);
  client_fd_ = -1;
}

void GdbServer::send(const std::string& payload) {
  const std::string packet = gdb_encode_packet(payload);
  size_t done = 0;
  while (done < packet.size()) {
    const ssize_t n = ::send(client_fd_, packet.data() + done, packet.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

bool GdbServer::resume(bool step, RunResult& end) {
  debugger_.resume();
  if (step) debugger_.set_step_limit(1);
  for (;;) {
    const RunResult r = machine_.run_for(kSliceNs);
    if (r.reason == StopReason::kStopRequested) {
      debugger_.set_step_limit(0);
      return true;
    }
    if (r.reason != StopReason::kDeadline) {
      end = r;
      return false;
    }
    // Ctrl-C from the debugger arrives as a lone 0x03 while the guest runs.
    pollfd p{client_fd_, POLLIN, 0};
    if (::poll(&p, 1, 0) > 0) {
      char c = 0;
      const ssize_t n = ::recv(client_fd_, &c, 1, 0);
      if (n <= 0 || c == 0x03) {
        debugger_.set_step_limit(0);
        debugger_.note_interrupted();
        return true;
      }
    }
  }
}

std::optional<RunResult> GdbServer::serve() {
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::recv(client_fd_, buffer, sizeof buffer, 0);
    if (n <= 0) {
      close_client();
      debugger_.clear_breakpoints();
      return std::nullopt;
    }
    for (ssize_t i = 0; i < n; ++i) {
      const auto item = reader_.feed(buffer[i]);
      if (!item) continue;
      if (item->kind == GdbPacketReader::Item::Kind::kBadChecksum) {
        ::send(client_fd_, "-", 1, MSG_NOSIGNAL);
        continue;
      }
      if (item->kind == GdbPacketReader::Item::Kind::kInterrupt) {
        send("T02");  // already stopped
        continue;
      }
      ::send(client_fd_, "+", 1, MSG_NOSIGNAL);
      const GdbStub::Response response = stub_.handle(item->payload);
      switch (response.action) {
        case GdbStub::Action::kReply:
          send(response.reply);
          break;
        case GdbStub::Action::kContinue:
        case GdbStub::Action::kStep: {
          RunResult end;
          if (resume(response.action == GdbStub::Action::kStep, end)) {
            send(stub_.stop_reply());
          } else {
            send(fmt::format("W{:02x}",
                             end.reason == StopReason::kGuestExit ? end.exit_status & 0xFF : 0));
            close_client();
            return end;
          }
          break;
        }
        case GdbStub::Action::kDetach:
          send(response.reply);
          close_client();
          debugger_.clear_breakpoints();
          return std::nullopt;
        case GdbStub::Action::kKill: {
          close_client();
          RunResult killed;
          killed.reason = StopReason::kStopRequested;
          killed.instructions_retired = machine_.cpu().instructions_retired();
          return killed;
        }
      }
    }
  }
}

RunResult GdbServer::run(bool wait) {
  if (wait) {
    spdlog::info("gdb: waiting for a debugger before the first instruction");
    accept_client(true);
    if (client_fd_ >= 0)
      if (auto end = serve()) return *end;
  }
  for (;;) {
    const RunResult r = machine_.run_for(kSliceNs);
    if (r.reason != StopReason::kDeadline && r.reason != StopReason::kStopRequested) return r;
    if (accept_client(false)) {
      // A debugger attaching to a running guest finds it stopped.
      debugger_.clear_stop_cause();
      if (auto end = serve()) return *end;
    }
  }
}

}  // namespace trapeze
