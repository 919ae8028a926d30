// Options that parse today but whose feature comes later are refused in one place,
// with a message that says what works instead.
#include "frontend/unimplemented.h"

#include <doctest/doctest.h>

namespace trapeze {
namespace {

TEST_CASE("a raw ROM with --bios runs") {
  CliOptions options;
  options.bios_path = "test.rom";
  CHECK_FALSE(refuse_unimplemented(options).has_value());
}

TEST_CASE("a kernel with --kernel runs, with or without --bios (the machine checks the file)") {
  CliOptions kernel;
  kernel.kernel_path = "kernel.elf";
  CHECK_FALSE(refuse_unimplemented(kernel).has_value());
  CliOptions both = kernel;
  both.bios_path = "test.rom";
  both.initrd_path = "module.bin";
  both.append = "console=ttyS0";
  CHECK_FALSE(refuse_unimplemented(both).has_value());
}

TEST_CASE("disks and CD-ROMs boot through the firmware") {
  CliOptions disk;
  disk.hda_path = "disk.img";
  CliOptions second_disk;
  second_disk.hdb_path = "disk.img";
  CliOptions cdrom;
  cdrom.cdrom_path = "cd.iso";
  for (const CliOptions& options : {disk, second_disk, cdrom})
    CHECK_FALSE(refuse_unimplemented(options).has_value());
}

TEST_CASE("with nothing to boot, the default guest is refused until it exists") {
  const auto refusal = refuse_unimplemented(CliOptions{});
  REQUIRE(refusal.has_value());
  CHECK(refusal->exit_status == 2);
  CHECK(refusal->message.find("demo guest") != std::string::npos);
  CHECK(refusal->message.find("--hda FILE") != std::string::npos);
  CHECK(refusal->message.find("--kernel FILE") != std::string::npos);
  CHECK(refusal->message.find('\n') == std::string::npos);
}

}  // namespace
}  // namespace trapeze
