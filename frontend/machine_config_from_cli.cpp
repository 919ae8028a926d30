#include "frontend/machine_config_from_cli.h"

namespace trapeze {

MachineConfig machine_config_from_cli(const CliOptions& options) {
  MachineConfig config;
  config.memory_mib = options.memory_mib;
  config.bios_path = options.bios_path;
  config.hda_path = options.hda_path;
  config.hdb_path = options.hdb_path;
  config.cdrom_path = options.cdrom_path;
  config.boot_order = options.boot_order;
  config.kernel_path = options.kernel_path;
  config.initrd_path = options.initrd_path;
  config.append = options.append;
  config.vga = options.vga;
  config.nic = options.net.card();
  config.snapshot = options.snapshot;
  config.no_reboot = options.no_reboot;
  // Whether a window can really be opened is main's decision (it looks at the host).
  config.headless = options.headless;
  config.serial = options.serial;
  config.debugcon = options.debugcon;
  config.firmware_log = options.firmware_log;
  config.timeout_seconds = options.timeout_seconds;
  config.max_instructions = options.max_instructions;
  return config;
}

}  // namespace trapeze
