#include "bios/kernel_format.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "bios/image_file.h"
#include "bios/linux_boot.h"
#include "bios/linux_image.h"
#include "bios/multiboot.h"
#include "bios/multiboot_header.h"
#include "devices/config_error.h"

namespace trapeze {

KernelFormat identify_kernel(const std::string& path) {
  if (path.empty()) return KernelFormat::kNone;
  const std::vector<uint8_t> file = read_image_file(
      path, "kernel", std::max(linux_boot::kMaxKernelFileBytes, multiboot::kMaxKernelFileBytes));
  return identify_kernel_image(file, path);
}

KernelFormat identify_kernel_image(std::span<const uint8_t> file, const std::string& path) {
  if (has_linux_header(file)) {
    parse_linux_image(file, path);  // refuse what cannot boot before the machine starts
    return KernelFormat::kLinux;
  }
  if (find_multiboot_header(file, path)) return KernelFormat::kMultiboot;
  throw ConfigError(fmt::format(
      "'{}' is neither a Linux bzImage nor a multiboot kernel (ELF or a.out kludge)", path));
}

}  // namespace trapeze
