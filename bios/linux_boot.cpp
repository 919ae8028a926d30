#include "bios/linux_boot.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <optional>
#include <string_view>

#include "bios/image_file.h"
#include "bios/le_bytes.h"
#include "bios/option_roms.h"
#include "cpu/log.h"
#include "devices/config_error.h"
#include "devices/pc_memory_layout.h"

namespace trapeze {

using namespace linux_boot;
namespace hdr = linux_image;

namespace {

// The value of a "vga=" option as QEMU reads it (the first one; up to the next space),
// or nothing without one.
std::optional<uint16_t> vga_option(std::string_view cmdline, const std::string& path) {
  size_t at = 0;
  for (;;) {
    at = cmdline.find("vga=", at);
    if (at == std::string_view::npos) return std::nullopt;
    if (at == 0 || cmdline[at - 1] == ' ') break;  // an option, not part of one
    at += 4;
  }
  std::string_view value = cmdline.substr(at + 4);
  value = value.substr(0, value.find(' '));
  if (value == "normal") return kVidModeNormal;
  if (value == "ext") return kVidModeExtended;
  if (value == "ask") return kVidModeAsk;
  // A number, in C notation (0x... hex, 0... octal, else decimal).
  int base = 10;
  std::string_view digits = value;
  if (digits.starts_with("0x") || digits.starts_with("0X")) {
    base = 16;
    digits.remove_prefix(2);
  } else if (digits.size() > 1 && digits.starts_with('0')) {
    base = 8;
    digits.remove_prefix(1);
  }
  unsigned mode = 0;
  const auto [end, error] =
      std::from_chars(digits.data(), digits.data() + digits.size(), mode, base);
  if (digits.empty() || error != std::errc() || end != digits.data() + digits.size() ||
      mode > 0xFFFF)
    throw ConfigError(fmt::format(
        "kernel '{}': 'vga={}' is not normal, ext, ask or a video mode number", path, value));
  return static_cast<uint16_t>(mode);
}

// The highest address the initrd may occupy, as QEMU computes it: the kernel's limit,
// and below the firmware's data at the top of the RAM under 4 GiB.
uint64_t initrd_limit(const LinuxImage& image, uint64_t ram_bytes) {
  uint64_t limit = image.initrd_addr_max;
  if (image.protocol >= 0x020C && (image.xloadflags & hdr::kXlfCanBeLoadedAbove4G))
    limit = UINT32_MAX;
  const uint64_t firmware_data = pc_memory::low_ram_end(ram_bytes) - kFirmwareDataBytes;
  return std::min(limit, firmware_data - 1);
}

}  // namespace

LinuxBootPlan plan_linux_boot(std::span<const uint8_t> file, const LinuxImage& image,
                              std::vector<uint8_t> initrd, std::string cmdline, uint64_t ram_bytes,
                              const std::string& path) {
  // trapeze's CPU has no long mode yet: the setup code would stop with "This kernel
  // requires an x86-64 CPU" on the console; say it here instead.
  if (image.xloadflags & hdr::kXlfKernel64)
    throw ConfigError(fmt::format(
        "kernel '{}' is an x86-64 kernel; trapeze emulates a 32-bit CPU (use an i386 kernel)",
        path));
  if (image.setup_bytes > kHeapEnd)
    throw ConfigError(
        fmt::format("kernel '{}': its setup code ({} bytes) does not fit below the heap end at "
                    "{:#x} of its 64 KiB segment",
                    path, image.setup_bytes, kHeapEnd));
  if (cmdline.size() > image.cmdline_max_bytes)
    throw ConfigError(
        fmt::format("kernel '{}' takes a command line of at most {} bytes; --append "
                    "gives {}",
                    path, image.cmdline_max_bytes, cmdline.size()));

  const uint64_t usable_end = pc_memory::low_ram_end(ram_bytes) - kFirmwareDataBytes;
  const uint64_t kernel_end = uint64_t{kKernelAddress} + image.kernel_bytes;
  if (usable_end <= kKernelAddress || kernel_end > usable_end)
    throw ConfigError(fmt::format(
        "kernel '{}' ({} bytes at {:#x}) does not fit in {} MiB of RAM; give more with -m", path,
        image.kernel_bytes, kKernelAddress, ram_bytes / pc_memory::kMiB));

  LinuxBootPlan plan;
  plan.setup_address = kSetupAddress;
  plan.kernel_address = kKernelAddress;
  plan.cmdline_address = kCmdlineAddress;
  plan.setup.assign(file.begin(), file.begin() + image.setup_bytes);
  plan.kernel.assign(file.begin() + image.setup_bytes, file.end());

  if (!initrd.empty()) {
    const uint64_t limit = initrd_limit(image, ram_bytes);
    const uint64_t start =
        initrd.size() < limit ? (limit - initrd.size()) & ~uint64_t{kInitrdAlign - 1} : 0;
    if (start < kernel_end)
      throw ConfigError(fmt::format(
          "initrd ({} bytes) does not fit between the kernel's end at {:#x} and {:#x} (the "
          "highest address the kernel and {} MiB of RAM allow); give more RAM with -m",
          initrd.size(), kernel_end, limit + 1, ram_bytes / pc_memory::kMiB));
    plan.initrd_address = static_cast<uint32_t>(start);
  }

  std::span<uint8_t> header(plan.setup);
  header[hdr::kTypeOfLoader] = kLoaderType;
  header[hdr::kLoadflags] |= hdr::kCanUseHeap;
  put_le16(header, hdr::kHeapEndPtr, kHeapEnd);
  put_le32(header, hdr::kCmdLinePtr, kCmdlineAddress);
  put_le32(header, hdr::kRamdiskImage, plan.initrd_address);
  put_le32(header, hdr::kRamdiskSize, static_cast<uint32_t>(initrd.size()));
  put_le16(header, hdr::kVidMode, vga_option(cmdline, path).value_or(kVidModeNormal));

  plan.initrd = std::move(initrd);
  plan.cmdline = std::move(cmdline);
  return plan;
}

void publish_linux_boot(FwCfg& fw_cfg, LinuxBootPlan plan) {
  auto bytes_with_nul = [](const std::string& text) {
    std::vector<uint8_t> bytes(text.begin(), text.end());
    bytes.push_back(0);
    return bytes;
  };
  fw_cfg.set_u32(FwCfg::kSetupAddr, plan.setup_address);
  fw_cfg.set_u32(FwCfg::kSetupSize, static_cast<uint32_t>(plan.setup.size()));
  fw_cfg.set_item(FwCfg::kSetupData, std::move(plan.setup));
  fw_cfg.set_u32(FwCfg::kKernelAddr, plan.kernel_address);
  fw_cfg.set_u32(FwCfg::kKernelSize, static_cast<uint32_t>(plan.kernel.size()));
  fw_cfg.set_item(FwCfg::kKernelData, std::move(plan.kernel));
  fw_cfg.set_u32(FwCfg::kCmdlineAddr, plan.cmdline_address);
  fw_cfg.set_u32(FwCfg::kCmdlineSize, static_cast<uint32_t>(plan.cmdline.size() + 1));
  fw_cfg.set_item(FwCfg::kCmdlineData, bytes_with_nul(plan.cmdline));
  // Without an initrd the ROM reads a size of 0 and copies nothing.
  fw_cfg.set_u32(FwCfg::kInitrdAddr, plan.initrd_address);
  fw_cfg.set_u32(FwCfg::kInitrdSize, static_cast<uint32_t>(plan.initrd.size()));
  fw_cfg.set_item(FwCfg::kInitrdData, std::move(plan.initrd));

  const std::span<const uint8_t> rom = linuxboot_option_rom();
  fw_cfg.add_file(kOptionRomFile, std::vector<uint8_t>(rom.begin(), rom.end()));
  // One entry and no newline: SeaBIOS splits the file at newlines, and an empty last
  // pattern would match every device.
  fw_cfg.add_file("bootorder", std::string_view(kBootOrder));
}

void load_linux_kernel(FwCfg& fw_cfg, uint64_t ram_bytes, const LinuxBootOptions& options) {
  const std::string& path = options.kernel_path;
  const std::vector<uint8_t> file = read_image_file(path, "kernel", kMaxKernelFileBytes);
  if (!has_linux_header(file))
    throw ConfigError(fmt::format("'{}' is not a Linux bzImage (no setup header)", path));
  const LinuxImage image = parse_linux_image(file, path);
  std::vector<uint8_t> initrd;
  if (!options.initrd_path.empty())
    initrd = read_image_file(options.initrd_path, "initrd", ram_bytes);
  LinuxBootPlan plan =
      plan_linux_boot(file, image, std::move(initrd), options.append, ram_bytes, path);
  log::component("bios")->debug(
      "Linux kernel '{}': protocol {:#06x}, setup {} bytes at {:#x}, kernel {} bytes at {:#x}, "
      "initrd {} bytes at {:#x}, command line '{}'",
      path, image.protocol, plan.setup.size(), plan.setup_address, plan.kernel.size(),
      plan.kernel_address, plan.initrd.size(), plan.initrd_address, plan.cmdline);
  publish_linux_boot(fw_cfg, std::move(plan));
}

}  // namespace trapeze
