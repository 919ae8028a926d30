// With nothing to boot, trapeze runs the demo guest, or says how to build it.
#include "frontend/demo_guest.h"

#include <doctest/doctest.h>

namespace trapeze {
namespace {

TEST_CASE("a disk, CD-ROM, kernel, ROM or network boot is something to boot") {
  CHECK(boots_nothing(CliOptions{}));
  CliOptions disk;
  disk.hda_path = "disk.img";
  CliOptions cdrom;
  cdrom.cdrom_path = "cd.iso";
  CliOptions kernel;
  kernel.kernel_path = "kernel";
  CliOptions rom;
  rom.bios_path = "rom.bin";
  CliOptions network;
  network.boot_order = "n";
  for (const CliOptions& options : {disk, cdrom, kernel, rom, network})
    CHECK_FALSE(boots_nothing(options));
  CliOptions cd_first;
  cd_first.boot_order = "dc";
  CHECK(boots_nothing(cd_first));
}

TEST_CASE("the demo guest boots its disk with --snapshot, or the error says how to build it") {
  CliOptions options;
  const auto error = use_demo_guest(options);
  if (find_demo_disk()) {
    CHECK_FALSE(error.has_value());
    CHECK(options.hda_path.ends_with("guests/linux/disk.img"));
    CHECK(options.snapshot);
  } else {
    REQUIRE(error.has_value());
    CHECK(error->exit_status == 2);
    CHECK(error->message.find("tools/build-linux-guest") != std::string::npos);
    CHECK(error->message.find('\n') == std::string::npos);
  }
}

}  // namespace
}  // namespace trapeze
