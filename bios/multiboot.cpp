#include "bios/multiboot.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "bios/boot_data_area.h"
#include "bios/flat_protected_mode.h"
#include "bios/image_file.h"
#include "bios/multiboot_header.h"
#include "bios/multiboot_image.h"
#include "bios/multiboot_info.h"
#include "cpu/log.h"
#include "devices/config_error.h"
#include "devices/pc_memory_layout.h"

namespace trapeze {

using namespace multiboot;

namespace {

constexpr uint64_t kModuleAlign = 4096;  // header flag 0 asks for it; GRUB always does it

// Where the loader may put things: the usable ranges of the machine's memory map, minus
// the boot data. Every write the file asks for is checked here before it happens.
class Placement {
 public:
  Placement(uint64_t ram_bytes, std::string path) : ram_bytes_(ram_bytes), path_(std::move(path)) {
    for (const pc_memory::Range& r : pc_memory::memory_map(ram_bytes))
      if (r.type == pc_memory::RangeType::kUsable) usable_.push_back(r);
  }

  void check(const char* what, uint64_t address, uint64_t size_bytes) const {
    const uint64_t end = address + size_bytes;
    const bool in_ram = std::any_of(usable_.begin(), usable_.end(), [&](const auto& r) {
      return address >= r.base && end <= r.base + r.length;
    });
    if (!in_ram)
      throw ConfigError(fmt::format(
          "kernel '{}': {} at [{:#x}, {:#x}) is outside the usable RAM of a {} MiB machine", path_,
          what, address, end, ram_bytes_ / pc_memory::kMiB));
    if (address < kBootDataEnd && end > kBootDataStart)
      throw ConfigError(
          fmt::format("kernel '{}': {} at [{:#x}, {:#x}) overlaps the boot data at [{:#x}, {:#x})",
                      path_, what, address, end, kBootDataStart, kBootDataEnd));
  }

 private:
  uint64_t ram_bytes_;
  std::string path_;
  std::vector<pc_memory::Range> usable_;
};

void check_required_flags(const MultibootHeader& header, const std::string& path) {
  const uint32_t known = kFlagAlignModules | kFlagMemoryInfo | kFlagVideoMode;
  const uint32_t unknown = header.flags & kRequiredMask & ~known;
  if (unknown != 0)
    throw ConfigError(fmt::format(
        "kernel '{}' requires multiboot features trapeze does not know (header flags {:#x})", path,
        unknown));
  // Without firmware there is no VBE to set a mode with; QEMU boots such kernels in text
  // mode without video information too, and most fall back to it.
  if (header.flags & kFlagVideoMode)
    log::component("bios")->warn(
        "kernel '{}' asks for a video mode; it starts in text mode without video information",
        path);
}

void zero_guest(AddressMap& memory, uint64_t address, uint64_t size_bytes) {
  static const std::vector<uint8_t> kZeroes(64 * 1024, 0);
  while (size_bytes > 0) {
    const uint64_t chunk = std::min<uint64_t>(size_bytes, kZeroes.size());
    memory.copy_to_guest(address, std::span(kZeroes).first(chunk));
    address += chunk;
    size_bytes -= chunk;
  }
}

// Loads the segments and returns the end of the highest one.
uint64_t load_kernel(AddressMap& memory, std::span<const uint8_t> image, const KernelImage& kernel,
                     const Placement& placement) {
  uint64_t kernel_end = 0;
  for (const ImageSegment& s : kernel.segments)
    placement.check("segment", s.address, s.memory_bytes);
  for (const ImageSegment& s : kernel.segments) {
    memory.copy_to_guest(s.address, image.subspan(s.file_offset, s.file_bytes));
    zero_guest(memory, s.address + s.file_bytes, s.memory_bytes - s.file_bytes);
    kernel_end = std::max(kernel_end, s.address + s.memory_bytes);
  }
  placement.check("entry point", kernel.entry, 1);
  return kernel_end;
}

// The module goes on the first page boundary above the kernel (and above 1 MiB), as GRUB
// and QEMU place them.
MultibootModule load_module(AddressMap& memory, const std::string& path, uint64_t kernel_end,
                            const Placement& placement) {
  const std::vector<uint8_t> bytes = read_image_file(path, "initrd", memory.ram_size());
  const uint64_t start =
      (std::max(kernel_end, pc_memory::kExtendedStart) + kModuleAlign - 1) & ~(kModuleAlign - 1);
  placement.check("module", start, bytes.size());
  memory.copy_to_guest(start, bytes);
  return MultibootModule{static_cast<uint32_t>(start), static_cast<uint32_t>(start + bytes.size()),
                         path};
}

}  // namespace

void boot_multiboot(AddressMap& memory, Cpu& cpu, const MultibootOptions& options) {
  const std::string& path = options.kernel_path;
  const std::vector<uint8_t> image = read_image_file(path, "kernel", kMaxKernelFileBytes);
  boot_multiboot_image(memory, cpu, image, options);
}

void boot_multiboot_image(AddressMap& memory, Cpu& cpu, std::span<const uint8_t> image,
                          const MultibootOptions& options) {
  const std::string& path = options.kernel_path;
  const std::optional<MultibootHeader> header = find_multiboot_header(image, path);
  if (!header)
    throw ConfigError(fmt::format(
        "'{}' is not a multiboot kernel (no multiboot header in its first 8 KiB)", path));
  check_required_flags(*header, path);
  const KernelImage kernel = layout_multiboot_kernel(image, *header, path);

  const Placement placement(memory.ram_size(), path);
  const uint64_t kernel_end = load_kernel(memory, image, kernel, placement);

  MultibootInfoInputs info;
  info.ram_bytes = memory.ram_size();
  // QEMU passes the kernel's file name, a space, then -append (the space even when
  // -append is empty); kernels that skip argv[0] expect it.
  info.cmdline = path + " " + options.append;
  if (!options.module_path.empty())
    info.modules.push_back(load_module(memory, options.module_path, kernel_end, placement));

  BootDataArea area(memory, kBootDataStart, kBootDataEnd);
  const uint32_t info_address = write_multiboot_info(area, info);
  const FlatSelectors selectors{kCodeSelector, kDataSelector};
  const uint32_t gdt = area.reserve(flat_gdt_bytes(selectors), 8, "GDT");
  enter_flat_protected_mode(cpu, memory, gdt, selectors);

  cpu.gpr.fill(0);
  cpu.gpr[kRax] = kBootMagic;
  cpu.gpr[kRbx] = info_address;
  cpu.gpr[kRsp] = kInitialStack;
  cpu.rip = kernel.entry;
  log::component("bios")->debug("multiboot: '{}' entry {:#x}, information at {:#x}", path,
                                kernel.entry, info_address);
}

}  // namespace trapeze
