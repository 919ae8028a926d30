// The network options in QEMU's words: --net user with hostfwd rules (loopback unless an
// address is named), tftp= and bootfile=, --net none, --nic e1000 (ne2k refused),
// --net-dump.
#include "frontend/net_options.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "frontend/cli.h"

namespace trapeze {
namespace {

CliParseResult parse(const std::vector<std::string>& words) {
  std::vector<std::string_view> args(words.begin(), words.end());
  return parse_command_line(args);
}

TEST_CASE("no network options: no card, as a deterministic headless run wants") {
  const CliParseResult result = parse({});
  REQUIRE(result.ok());
  CHECK(result.options.net.card() == NicKind::kNone);
}

TEST_CASE("--net user gives an e1000 and parses hostfwd rules") {
  const CliParseResult result =
      parse({"--net",
             "user,hostfwd=tcp:127.0.0.1:8022-:22,hostfwd=udp::5353-10.0.2.15:53,hostfwd=:80-:8080",
             "--net-dump", "x.pcap"});
  REQUIRE(result.ok());
  const NetOptions& net = result.options.net;
  CHECK(net.card() == NicKind::kE1000);
  CHECK(net.dump_path == "x.pcap");
  REQUIRE(net.host_forwards.size() == 3);
  CHECK_FALSE(net.host_forwards[0].udp);
  CHECK(net.host_forwards[0].host_address == "127.0.0.1");
  CHECK(net.host_forwards[0].host_port == 8022);
  CHECK(net.host_forwards[0].guest_address.empty());
  CHECK(net.host_forwards[0].guest_port == 22);
  CHECK(net.host_forwards[1].udp);
  CHECK(net.host_forwards[1].host_address == "127.0.0.1");  // loopback unless named
  CHECK(net.host_forwards[1].guest_address == "10.0.2.15");
  CHECK(net.host_forwards[2].host_port == 80);
  CHECK(net.host_forwards[2].guest_port == 8080);
}

TEST_CASE("--net user takes a TFTP folder and a boot file name, as QEMU's does") {
  const std::string folder = std::filesystem::temp_directory_path().string();
  const CliParseResult result =
      parse({"--net", "user,tftp=" + folder + ",bootfile=pxelinux.0,hostfwd=tcp::8022-:22"});
  REQUIRE(result.ok());
  const NetOptions& net = result.options.net;
  CHECK(net.tftp_root == folder);
  CHECK(net.bootfile == "pxelinux.0");
  CHECK(net.host_forwards.size() == 1);
  const CliParseResult missing = parse({"--net", "user,tftp=/no/such/folder"});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error->exit_status == 2);
  CHECK(missing.error->message.find("/no/such/folder") != std::string::npos);
}

TEST_CASE("--nic e1000 alone means user networking; --net none wins") {
  CHECK(parse({"--nic", "e1000"}).options.net.card() == NicKind::kE1000);
  CHECK(parse({"--nic", "model=e1000"}).options.net.card() == NicKind::kE1000);
  CHECK(parse({"--nic", "e1000", "--net", "none"}).options.net.card() == NicKind::kNone);
  CHECK(parse({"--net", "user", "--net", "none"}).options.net.card() == NicKind::kNone);
}

TEST_CASE("network option mistakes are usage errors") {
  for (const std::vector<std::string>& words :
       std::vector<std::vector<std::string>>{{"--net", "tap"},
                                             {"--net", "user,restrict=on"},
                                             {"--net", "user,tftp="},
                                             {"--net", "user,bootfile="},
                                             {"--net", "user,hostfwd=tcp:127.0.0.1:8022"},
                                             {"--net", "user,hostfwd=tcp::0-:22"},
                                             {"--net", "user,hostfwd=tcp::70000-:22"},
                                             {"--net", "user,hostfwd=tcp:localhost:8022-:22"},
                                             {"--nic", "rtl8139"},
                                             {"--nic", "ne2k"}}) {
    const CliParseResult result = parse(words);
    INFO(words[0], " ", words[1]);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error->exit_status == 2);
  }
  CHECK(parse({"--nic", "ne2k"}).error->message.find("not supported") != std::string::npos);
}

}  // namespace
}  // namespace trapeze
