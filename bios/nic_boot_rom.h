// The network card's boot ROM: iPXE for the 82540EM from Debian's ipxe-qemu package,
// the ROM QEMU gives its e1000. Served through the card's expansion ROM BAR, SeaBIOS
// runs it at POST and it registers a network boot entry (PXE: DHCP, then TFTP), which
// `--boot n` puts first.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace trapeze {

inline constexpr const char* kDefaultE1000BootRomPath = "/usr/lib/ipxe/qemu/pxe-e1000.rom";

// The ROM image (at most 1 MiB, starting 55 AA). When the file is missing: empty (the
// card works without it; only network boot needs it) unless `required`, then a
// ConfigError naming the package, as for any other unusable file.
std::vector<uint8_t> load_nic_boot_rom(bool required,
                                       const std::string& path = kDefaultE1000BootRomPath);

}  // namespace trapeze
