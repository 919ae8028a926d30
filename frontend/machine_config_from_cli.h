// The command line's options become the machine's configuration. Only the frontend's
// own concerns (help, version, logging, the window) stay behind in CliOptions.
#pragma once

#include "devices/machine_config.h"
#include "frontend/cli.h"

namespace trapeze {

MachineConfig machine_config_from_cli(const CliOptions& options);

}  // namespace trapeze
