// The GDB stub's transport: a TCP socket on the loopback interface only (a debugger can
// read and write all guest memory: never expose that to the network), one client at a
// time. Between packets the machine is stopped; while it runs, it runs in short slices
// of virtual time and the socket is polled between them for Ctrl-C (0x03). Without
// --gdb-wait the guest starts at once and a debugger may attach to it later.
#pragma once

#include <cstdint>

#include "devices/machine.h"
#include "frontend/debugger.h"
#include "frontend/gdb_packet.h"
#include "frontend/gdb_stub.h"

namespace trapeze {

class GdbServer {
 public:
  // Listens on 127.0.0.1:port; throws std::runtime_error with the reason when it cannot.
  GdbServer(Machine& machine, Debugger& debugger, uint16_t port);
  ~GdbServer();
  GdbServer(const GdbServer&) = delete;
  GdbServer& operator=(const GdbServer&) = delete;

  // Runs the guest to its end, serving debuggers that connect. `wait`: nothing runs until
  // the first debugger has connected (--gdb-wait).
  RunResult run(bool wait);

 private:
  // Serves the connected client with the guest stopped. Returns a result when the guest
  // ended or the debugger killed it; nullopt when the client detached or went away.
  std::optional<RunResult> serve();
  // Runs the guest until it stops for the debugger (true) or ends (false, `end` set).
  bool resume(bool step, RunResult& end);
  void send(const std::string& payload);
  bool accept_client(bool block);
  void close_client();

  Machine& machine_;
  Debugger& debugger_;
  GdbStub stub_;
  GdbPacketReader reader_;
  int listen_fd_ = -1;
  int client_fd_ = -1;
};

}  // namespace trapeze
