#include "bios/multiboot_image.h"

#include <fmt/format.h>

#include "bios/elf32_image.h"
#include "devices/config_error.h"

namespace trapeze {

namespace {

constexpr uint64_t k4GiB = uint64_t{1} << 32;

// Multiboot spec 3.1.3: the header's file offset and header_addr tie file offsets to
// physical addresses; loading starts (header_addr - load_addr) bytes before the header.
KernelImage layout_address_fields(std::span<const uint8_t> image, const MultibootHeader& h,
                                  const std::string& path) {
  auto fail = [&](const std::string& why) {
    return ConfigError(fmt::format("kernel '{}': multiboot header: {}", path, why));
  };
  if (h.load_addr > h.header_addr)
    throw fail(
        fmt::format("load_addr {:#x} is above header_addr {:#x}", h.load_addr, h.header_addr));
  const uint64_t lead_bytes = h.header_addr - h.load_addr;
  if (lead_bytes > h.file_offset)
    throw fail(fmt::format("load_addr {:#x} lies before the start of the file", h.load_addr));
  const uint64_t load_offset = h.file_offset - lead_bytes;

  uint64_t load_bytes = image.size() - load_offset;  // load_end_addr 0: the rest of the file
  if (h.load_end_addr != 0) {
    if (h.load_end_addr < h.load_addr)
      throw fail(fmt::format("load_end_addr {:#x} is below load_addr {:#x}", h.load_end_addr,
                             h.load_addr));
    load_bytes = h.load_end_addr - h.load_addr;
    if (load_offset + load_bytes > image.size())
      throw fail(
          fmt::format("load_end_addr {:#x} lies beyond the end of the file", h.load_end_addr));
  }
  if (h.load_addr + load_bytes > k4GiB)
    throw fail(fmt::format("the image loaded at {:#x} extends beyond 4 GiB", h.load_addr));

  uint64_t memory_bytes = load_bytes;
  if (h.bss_end_addr != 0) {
    if (h.bss_end_addr < h.load_addr + load_bytes)
      throw fail(fmt::format("bss_end_addr {:#x} is below the end of the loaded image {:#x}",
                             h.bss_end_addr, h.load_addr + load_bytes));
    memory_bytes = h.bss_end_addr - h.load_addr;
  }
  KernelImage kernel;
  kernel.segments.push_back(ImageSegment{h.load_addr, load_offset, load_bytes, memory_bytes});
  kernel.entry = h.entry_addr;
  return kernel;
}

}  // namespace

KernelImage layout_multiboot_kernel(std::span<const uint8_t> image, const MultibootHeader& header,
                                    const std::string& path) {
  if (header.flags & multiboot::kFlagAddresses) return layout_address_fields(image, header, path);
  if (!is_elf(image))
    throw ConfigError(fmt::format(
        "kernel '{}': multiboot header without load addresses (flag bit 16), and not an ELF file",
        path));
  return parse_elf32_image(image, path);
}

}  // namespace trapeze
