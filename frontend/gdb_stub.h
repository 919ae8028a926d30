// The GDB stub's protocol logic (`--gdb PORT`): answers the packets of the remote serial
// protocol (GDB manual, appendix E) for an i386 target. Transport (the loopback socket,
// Ctrl-C while running) is in frontend/gdb_server.h; this part is testable without one.
//
// Supported: ? g G p P m M (memory by linear address, through the guest page tables
// without side effects), Z0/z0 and Z1/z1 (both become the Debugger's execute breakpoints:
// guest memory is never patched, so the guest cannot see or overwrite them), Z2/Z3/Z4
// watchpoints, s and c, qSupported, qXfer:features:read (the i386 target description,
// org.gnu.gdb.i386.core: the sixteen integer registers, then the x87 ones), qAttached,
// thread queries for the one thread, D (detach: the guest keeps running) and k (kill).
#pragma once

#include <string>
#include <string_view>

#include "devices/machine.h"
#include "frontend/debugger.h"

namespace trapeze {

class GdbStub {
 public:
  GdbStub(Machine& machine, Debugger& debugger) : machine_(machine), debugger_(debugger) {}

  enum class Action : uint8_t { kReply, kContinue, kStep, kDetach, kKill };
  struct Response {
    Action action = Action::kReply;
    std::string reply;  // for kReply, kDetach
  };
  // One packet's payload in, what to do out. kContinue and kStep: resume the guest, then
  // send stop_reply().
  Response handle(std::string_view packet);
  // "T05..." after a stop: the signal (SIGTRAP) and, for a watchpoint, what was hit.
  std::string stop_reply() const;

  static std::string target_xml();

 private:
  std::string read_registers() const;
  bool write_register(unsigned n, uint32_t value);
  std::string read_memory(std::string_view args);
  std::string write_memory(std::string_view args);
  std::string breakpoint(std::string_view args, bool insert);
  std::string register_bytes(unsigned n) const;

  Machine& machine_;
  Debugger& debugger_;
};

}  // namespace trapeze
