// Every machine-level option reaches MachineConfig unchanged.
#include "frontend/machine_config_from_cli.h"

#include <doctest/doctest.h>

namespace trapeze {
namespace {

TEST_CASE("the defaults of both sides agree") {
  const MachineConfig from_cli = machine_config_from_cli(CliOptions{});
  const MachineConfig plain;
  CHECK(from_cli.memory_mib == plain.memory_mib);
  CHECK(from_cli.serial.target == plain.serial.target);
  CHECK(from_cli.debugcon.target == plain.debugcon.target);
  CHECK(from_cli.timeout_seconds == plain.timeout_seconds);
  CHECK(from_cli.max_instructions == plain.max_instructions);
  CHECK(from_cli.snapshot == plain.snapshot);
}

TEST_CASE("every field is copied") {
  CliOptions options;
  options.memory_mib = 64;
  options.bios_path = "a.rom";
  options.hda_path = "disk.img";
  options.cdrom_path = "cd.iso";
  options.kernel_path = "bzImage";
  options.initrd_path = "initrd";
  options.append = "quiet";
  options.snapshot = true;
  options.headless = true;
  options.serial = {OutputTarget::kFile, "serial.log"};
  options.debugcon = {OutputTarget::kStdio, {}};
  options.timeout_seconds = 1.5;
  options.max_instructions = 99;
  const MachineConfig config = machine_config_from_cli(options);
  CHECK(config.memory_mib == 64);
  CHECK(config.bios_path == "a.rom");
  CHECK(config.hda_path == "disk.img");
  CHECK(config.cdrom_path == "cd.iso");
  CHECK(config.kernel_path == "bzImage");
  CHECK(config.initrd_path == "initrd");
  CHECK(config.append == "quiet");
  CHECK(config.snapshot);
  CHECK(config.headless);
  CHECK(config.serial.target == OutputTarget::kFile);
  CHECK(config.serial.path == "serial.log");
  CHECK(config.debugcon.target == OutputTarget::kStdio);
  CHECK(config.timeout_seconds == 1.5);
  CHECK(config.max_instructions == 99);
}

}  // namespace
}  // namespace trapeze
