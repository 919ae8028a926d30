// The network options, in QEMU's words:
//   --net user[,hostfwd=[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT]...
//             [,tftp=DIR][,bootfile=FILE]
//   --net none
//   --nic e1000 (ne2k: not supported yet)
//   --net-dump FILE.pcap
// Forwarded ports listen on 127.0.0.1 unless HOSTADDR names another address (QEMU
// listens on every interface by default; a loopback default keeps a guest's services
// off the host's network unless the user says so). GUESTADDR defaults to the address
// the guest gets by DHCP (10.0.2.15). tftp= serves DIR read-only on the virtual
// network's TFTP server (10.0.2.2), bootfile= names the file DHCP offers for network
// boot (with --boot n: PXE through the card's iPXE ROM, as on QEMU).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "devices/machine_config.h"

namespace trapeze {

struct HostForward {
  bool udp = false;
  std::string host_address = "127.0.0.1";
  uint16_t host_port = 0;
  std::string guest_address;  // empty: the DHCP address
  uint16_t guest_port = 0;
};

enum class NetBackend { kUnset, kNone, kUser };

struct NetOptions {
  NetBackend backend = NetBackend::kUnset;
  std::vector<HostForward> host_forwards;
  std::optional<NicKind> nic;  // --nic
  std::string dump_path;       // --net-dump
  std::string tftp_root;       // tftp=, empty: no TFTP server
  std::string bootfile;        // bootfile=
  // The card the machine gets: e1000 when user networking or a model was asked for,
  // none with --net none or without network options.
  NicKind card() const;
  bool user_networking() const;
};

// Parse one option's value into `options`; an error message for the user, or nullopt.
std::optional<std::string> parse_net_option(std::string_view value, NetOptions& options);
std::optional<std::string> parse_nic_option(std::string_view value, NetOptions& options);
std::optional<HostForward> parse_host_forward(std::string_view rule, std::string& error);

}  // namespace trapeze
