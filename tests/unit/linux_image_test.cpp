// The bzImage setup header: recognising a Linux kernel, the fields a loader reads at each
// protocol version, and the one-line refusals.
#include "bios/linux_image.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "devices/config_error.h"
#include "kernel_images.h"

using namespace trapeze;
using namespace trapeze::test;

namespace {

std::string error_of(const std::vector<uint8_t>& image) {
  try {
    parse_linux_image(image, "vmlinuz");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("Linux image: the HdrS magic at 0x202 marks a Linux kernel") {
  CHECK(has_linux_header(bzimage()));
  CHECK_FALSE(has_linux_header(std::vector<uint8_t>(4096, 0)));
  // Cut off inside the magic.
  std::vector<uint8_t> short_file = bzimage();
  short_file.resize(0x205);
  CHECK_FALSE(has_linux_header(short_file));
}

TEST_CASE("Linux image: a modern bzImage's fields") {
  BzImageFields h;
  h.setup_sects = 27;
  h.initrd_addr_max = 0x7FFFFFFF;
  h.cmdline_size = 2047;
  h.xloadflags = 0x1C;
  h.kernel_bytes = 100000;
  const LinuxImage image = parse_linux_image(bzimage(h), "vmlinuz");
  CHECK(image.protocol == 0x020F);
  CHECK(image.setup_bytes == 28 * 512);
  CHECK(image.kernel_bytes == 100000);
  CHECK(image.loadflags == 0x01);
  CHECK(image.relocatable);
  CHECK(image.initrd_addr_max == 0x7FFFFFFF);
  CHECK(image.cmdline_max_bytes == 2047);
  CHECK(image.xloadflags == 0x1C);
}

TEST_CASE("Linux image: setup_sects 0 means 4") {
  BzImageFields h;
  h.setup_sects = 0;
  CHECK(parse_linux_image(bzimage(h), "vmlinuz").setup_bytes == 5 * 512);
}

TEST_CASE("Linux image: fields an older protocol lacks take boot.rst's defaults") {
  BzImageFields h;
  h.protocol = 0x0202;
  h.initrd_addr_max = 0x1234;  // not defined before 2.03: ignored
  h.cmdline_size = 99;         // 2.06
  h.relocatable = 1;           // 2.05
  h.xloadflags = 0x3;          // 2.12
  LinuxImage image = parse_linux_image(bzimage(h), "vmlinuz");
  CHECK(image.initrd_addr_max == 0x37FFFFFF);
  CHECK(image.cmdline_max_bytes == 255);
  CHECK_FALSE(image.relocatable);
  CHECK(image.xloadflags == 0);

  h.protocol = 0x0205;
  image = parse_linux_image(bzimage(h), "vmlinuz");
  CHECK(image.initrd_addr_max == 0x1234);
  CHECK(image.relocatable);
  CHECK(image.cmdline_max_bytes == 255);

  h.protocol = 0x020B;
  image = parse_linux_image(bzimage(h), "vmlinuz");
  CHECK(image.cmdline_max_bytes == 99);
  CHECK(image.xloadflags == 0);
}

TEST_CASE("Linux image: refusals name the file and the reason") {
  BzImageFields h;
  h.protocol = 0x0201;
  CHECK(error_of(bzimage(h)) ==
        "Linux kernel 'vmlinuz' uses boot protocol 2.01; trapeze needs 2.02 or later (Linux 2.4+)");

  h = {};
  h.loadflags = 0;
  CHECK(error_of(bzimage(h)) ==
        "Linux kernel 'vmlinuz' is a zImage (loaded at 0x10000); only bzImage kernels are "
        "supported");

  // Only the setup code: no protected-mode kernel after it.
  h = {};
  h.kernel_bytes = 0;
  CHECK(error_of(bzimage(h)) ==
        "Linux kernel 'vmlinuz' is truncated: 2560 bytes, but its setup code alone takes 2560");

  // Shorter than the header's syssize says: a partial download or copy. Rounding up to
  // 16 bytes is how the build writes syssize, so an odd size is not a truncation.
  h = {};
  h.syssize = 8192 / 16 + 1;
  CHECK(error_of(bzimage(h)) ==
        "Linux kernel 'vmlinuz' is truncated: 10752 bytes, but its header says 10768 (a partial "
        "copy?)");
  h = {};
  h.kernel_bytes = 8190;
  CHECK_NOTHROW(parse_linux_image(bzimage(h), "vmlinuz"));

  // Cut off inside the header: before the version, and before a 2.06 header's end.
  std::vector<uint8_t> image = bzimage();
  image.resize(0x207);
  CHECK(error_of(image) == "Linux kernel 'vmlinuz' is cut off inside its setup header");
  image = bzimage();
  image.resize(0x23A);
  CHECK(error_of(image) == "Linux kernel 'vmlinuz' is cut off inside its setup header");
}
