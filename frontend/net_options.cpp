#include "frontend/net_options.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <charconv>
#include <filesystem>
#include <system_error>

namespace trapeze {

namespace {

std::optional<uint16_t> parse_port(std::string_view text) {
  unsigned value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value == 0 || value > 65535)
    return std::nullopt;
  return static_cast<uint16_t>(value);
}

bool is_ipv4(const std::string& text) {
  in_addr address{};
  return inet_pton(AF_INET, text.c_str(), &address) == 1;
}

// Splits "ADDR:PORT" at its last colon.
bool split_address_port(std::string_view text, std::string& address,
                        std::optional<uint16_t>& port) {
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return false;
  address = std::string(text.substr(0, colon));
  port = parse_port(text.substr(colon + 1));
  return true;
}

}  // namespace

NicKind NetOptions::card() const {
  if (backend == NetBackend::kNone) return NicKind::kNone;
  if (nic) return *nic;
  return backend == NetBackend::kUser ? NicKind::kE1000 : NicKind::kNone;
}

bool NetOptions::user_networking() const { return card() != NicKind::kNone; }

std::optional<HostForward> parse_host_forward(std::string_view rule, std::string& error) {
  HostForward forward;
  const std::string_view original = rule;
  if (rule.starts_with("tcp:")) {
    rule.remove_prefix(4);
  } else if (rule.starts_with("udp:")) {
    forward.udp = true;
    rule.remove_prefix(4);
  }
  const size_t dash = rule.find('-');
  std::optional<uint16_t> host_port, guest_port;
  std::string host_address, guest_address;
  if (dash == std::string_view::npos ||
      !split_address_port(rule.substr(0, dash), host_address, host_port) ||
      !split_address_port(rule.substr(dash + 1), guest_address, guest_port) || !host_port ||
      !guest_port) {
    error = fmt::format("hostfwd '{}' is not [tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT",
                        original);
    return std::nullopt;
  }
  if (!host_address.empty()) forward.host_address = host_address;
  forward.guest_address = guest_address;
  for (const std::string* address : {&forward.host_address, &forward.guest_address}) {
    if (!address->empty() && !is_ipv4(*address)) {
      error = fmt::format("hostfwd '{}': '{}' is not an IPv4 address", original, *address);
      return std::nullopt;
    }
  }
  forward.host_port = *host_port;
  forward.guest_port = *guest_port;
  return forward;
}

std::optional<std::string> parse_net_option(std::string_view value, NetOptions& options) {
  if (value == "none") {
    options.backend = NetBackend::kNone;
    options.host_forwards.clear();
    return std::nullopt;
  }
  if (value != "user" && !value.starts_with("user,")) {
    return fmt::format("--net '{}' is not user[,hostfwd=...][,tftp=DIR][,bootfile=FILE] or none",
                       value);
  }
  options.backend = NetBackend::kUser;
  std::string_view rest = value.substr(4);
  while (!rest.empty()) {
    rest.remove_prefix(1);  // the comma
    const size_t comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma);
    if (item.starts_with("tftp=") && item.size() > 5) {
      options.tftp_root = std::string(item.substr(5));
      std::error_code error;
      if (!std::filesystem::is_directory(options.tftp_root, error))
        return fmt::format("--net user: tftp folder '{}' is not a readable folder",
                           options.tftp_root);
      continue;
    }
    if (item.starts_with("bootfile=") && item.size() > 9) {
      options.bootfile = std::string(item.substr(9));
      continue;
    }
    if (!item.starts_with("hostfwd=")) {
      return fmt::format("--net user: '{}' is not supported (hostfwd=, tftp=, bootfile=)", item);
    }
    std::string error;
    auto forward = parse_host_forward(item.substr(8), error);
    if (!forward) return "--net user: " + error;
    options.host_forwards.push_back(*forward);
  }
  return std::nullopt;
}

std::optional<std::string> parse_nic_option(std::string_view value, NetOptions& options) {
  // QEMU also accepts "-nic user,model=e1000"; the model alone is the common case here.
  if (value.starts_with("model=")) value.remove_prefix(6);
  if (value == "e1000" || value == "e1000-82540em") {
    options.nic = NicKind::kE1000;
    return std::nullopt;
  }
  if (value == "ne2k" || value == "ne2k_pci" || value == "rtl8029") {
    return std::string("--nic ne2k is not supported yet (use e1000)");
  }
  return fmt::format("--nic '{}' is not a supported model (e1000)", value);
}

}  // namespace trapeze
