// User-mode networking (QEMU's "-net user"): libslirp behind the guest's network card.
// Slirp is a TCP/IP stack in the emulator process that answers the guest as a virtual
// router would: the gateway 10.0.2.2, DHCP handing out 10.0.2.15, DNS forwarding at
// 10.0.2.3 to the host's resolver, and NAT of the guest's TCP and UDP onto ordinary
// host sockets; forwarded host ports reach servers in the guest. No root privileges, no
// host configuration.
//
// It lives in the frontend, not the core, because it owns host sockets: the core stays
// a pure function of its inputs (unit tests link it alone, without libslirp), and the
// machine sees only a NetworkCard. The run loop calls poll() between slices of virtual
// time; slirp's clock and timers are the machine's virtual clock, so TCP timers in a
// headless run follow the guest's time, not the host's.
#pragma once

#include <poll.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "devices/network_card.h"
#include "frontend/net_options.h"
#include "frontend/pcap_writer.h"

struct Slirp;

namespace trapeze {

class UserNetwork {
 public:
  // Connects `card` to a new slirp instance: frames the guest sends go to slirp (and
  // the capture), frames slirp sends go to the card. `clock_ns` is the virtual clock.
  // Throws std::runtime_error when a forwarded port cannot be bound or the capture file
  // cannot be created.
  UserNetwork(NetworkCard& card, const NetOptions& options, std::function<uint64_t()> clock_ns);
  UserNetwork(const UserNetwork&) = delete;
  UserNetwork& operator=(const UserNetwork&) = delete;
  ~UserNetwork();

  // Services host sockets (without blocking) and slirp's timers that are due. Call it
  // between run slices.
  void poll();

 private:
  struct Timer {
    int id = 0;  // SlirpTimerId
    void* cb_opaque = nullptr;
    int64_t expire_ms = -1;  // -1: not armed
  };

  // Slirp's callbacks (C function pointers, `opaque` is this).
  static long send_packet(const void* buffer, size_t length, void* opaque);
  static void guest_error(const char* message, void* opaque);
  static int64_t clock_get_ns(void* opaque);
  static void* timer_new_opaque(int id, void* cb_opaque, void* opaque);
  static void timer_free(void* timer, void* opaque);
  static void timer_mod(void* timer, int64_t expire_ms, void* opaque);
  static void register_poll_fd(int fd, void* opaque);
  static void unregister_poll_fd(int fd, void* opaque);
  static void notify(void* opaque);

  void from_guest(std::span<const uint8_t> frame);
  void run_timers();

  NetworkCard& card_;
  std::function<uint64_t()> clock_ns_;
  std::unique_ptr<PcapWriter> dump_;
  Slirp* slirp_ = nullptr;
  std::vector<std::unique_ptr<Timer>> timers_;
  std::vector<struct pollfd> poll_fds_;
};

}  // namespace trapeze
