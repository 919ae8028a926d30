#include "bios/linux_image.h"

#include <fmt/format.h>

#include "bios/le_bytes.h"
#include "devices/config_error.h"

namespace trapeze {

using namespace linux_image;

namespace {

// Where the last field this loader reads for `protocol` ends: fields a version does not
// define are not read, so only its own header must be in the file.
size_t header_end(uint16_t protocol) {
  if (protocol >= 0x0206) return kCmdlineSize + 4;
  if (protocol >= 0x0205) return kRelocatable + 1;
  if (protocol >= 0x0203) return kInitrdAddrMax + 4;
  return kHeaderEnd202;
}

}  // namespace

bool has_linux_header(std::span<const uint8_t> image) {
  return image.size() >= kHeaderMagicAt + 4 && le32(image, kHeaderMagicAt) == kHeaderMagic;
}

LinuxImage parse_linux_image(std::span<const uint8_t> image, const std::string& path) {
  // The version comes first: it says how long the header is.
  if (image.size() < kVersion + 2)
    throw ConfigError(fmt::format("Linux kernel '{}' is cut off inside its setup header", path));
  LinuxImage kernel;
  kernel.protocol = le16(image, kVersion);
  if (kernel.protocol < kMinProtocol)
    throw ConfigError(fmt::format(
        "Linux kernel '{}' uses boot protocol {}.{:02}; trapeze needs 2.02 or later (Linux 2.4+)",
        path, kernel.protocol >> 8, kernel.protocol & 0xFF));
  if (image.size() < header_end(kernel.protocol))
    throw ConfigError(fmt::format("Linux kernel '{}' is cut off inside its setup header", path));

  kernel.loadflags = image[kLoadflags];
  if (!(kernel.loadflags & kLoadedHigh))
    throw ConfigError(fmt::format(
        "Linux kernel '{}' is a zImage (loaded at 0x10000); only bzImage kernels are supported",
        path));

  const unsigned setup_sects = image[kSetupSects] != 0 ? image[kSetupSects] : kDefaultSetupSects;
  kernel.setup_bytes = (setup_sects + 1) * kSectorBytes;
  if (image.size() <= kernel.setup_bytes)
    throw ConfigError(
        fmt::format("Linux kernel '{}' is truncated: {} bytes, but its setup code alone takes {}",
                    path, image.size(), kernel.setup_bytes));
  kernel.kernel_bytes = static_cast<uint32_t>(image.size() - kernel.setup_bytes);
  // syssize (boot protocol 2.04 widened it to 32 bits) is the protected-mode part in
  // 16-byte paragraphs, rounded up; a copy cut short would otherwise boot and crash.
  // 0 means the build did not fill it in.
  const uint64_t syssize =
      kernel.protocol >= 0x0204 ? le32(image, kSysSize) : uint64_t{le16(image, kSysSize)};
  if (syssize != 0 && uint64_t{kernel.kernel_bytes} + 15 < syssize * 16)
    throw ConfigError(fmt::format(
        "Linux kernel '{}' is truncated: {} bytes, but its header says {} (a partial copy?)", path,
        image.size(), kernel.setup_bytes + syssize * 16));

  if (kernel.protocol >= 0x0203) kernel.initrd_addr_max = le32(image, kInitrdAddrMax);
  if (kernel.protocol >= 0x0205) kernel.relocatable = image[kRelocatable] != 0;
  if (kernel.protocol >= 0x0206) kernel.cmdline_max_bytes = le32(image, kCmdlineSize);
  if (kernel.protocol >= 0x020C) kernel.xloadflags = le16(image, kXloadflags);
  return kernel;
}

}  // namespace trapeze
