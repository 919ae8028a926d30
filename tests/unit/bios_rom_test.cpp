#include "bios/bios_rom.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "bios/nic_boot_rom.h"
#include "devices/config_error.h"
#include "mmu/address_map.h"

using namespace trapeze;

namespace {

// A file in the temporary directory, removed when the test ends.
struct TempFile {
  std::filesystem::path path;
  explicit TempFile(const std::vector<uint8_t>& bytes, const std::string& tag = "rom") {
    path = std::filesystem::temp_directory_path() /
           ("trapeze-test-" + tag + "-" + std::to_string(::getpid()) + ".bin");
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
  }
  ~TempFile() { std::filesystem::remove(path); }
};

std::string config_error_message(const std::string& path) {
  try {
    load_bios_image(path);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("load_bios_image: reads a 64 KiB image") {
  std::vector<uint8_t> bytes(64 * 1024, 0x90);
  bytes.back() = 0x12;
  TempFile file(bytes);
  CHECK(load_bios_image(file.path.string()) == bytes);
}

TEST_CASE("load_bios_image: missing, empty and badly sized files are ConfigErrors") {
  const std::string missing = "/nonexistent/trapeze/bios.bin";
  std::string message = config_error_message(missing);
  CHECK(message.find(missing) != std::string::npos);
  CHECK(message.find('\n') == std::string::npos);  // one line

  TempFile empty(std::vector<uint8_t>{}, "empty");
  CHECK(config_error_message(empty.path.string()).find("empty") != std::string::npos);

  TempFile odd(std::vector<uint8_t>(64 * 1024 + 1), "odd");
  CHECK(config_error_message(odd.path.string()).find("multiple of 64 KiB") != std::string::npos);

  TempFile huge(std::vector<uint8_t>(16 * 1024 * 1024 + 64 * 1024), "huge");
  CHECK_FALSE(config_error_message(huge.path.string()).empty());

  CHECK(config_error_message(std::filesystem::temp_directory_path().string())
            .find("not a regular file") != std::string::npos);
}

TEST_CASE("check_bios_image: the size rules for an image already read") {
  CHECK_NOTHROW(check_bios_image(std::vector<uint8_t>(128 * 1024), "rom"));
  CHECK_THROWS_WITH_AS(check_bios_image(std::vector<uint8_t>(1000), "rom"),
                       doctest::Contains("BIOS image 'rom' is 1000 bytes"), ConfigError);
  CHECK_THROWS_AS(check_bios_image({}, "rom"), ConfigError);
  CHECK_THROWS_AS(check_bios_image(std::vector<uint8_t>(kBiosMaxBytes + kBiosGranuleBytes), "rom"),
                  ConfigError);
}

TEST_CASE("map_bios: a 64 KiB image appears below 4 GiB and at 0xF0000") {
  AddressMap memory(kPageSize);
  std::vector<uint8_t> image(64 * 1024, 0);
  image[0] = 0x11;
  image[0xFFF0] = 0xEA;  // the reset vector's first byte
  map_bios(memory, image);
  CHECK(memory.read(0xFFFFFFF0, 1) == 0xEA);
  CHECK(memory.read(0xFFFF0000, 1) == 0x11);
  CHECK(memory.read(0xFFFF0, 1) == 0xEA);
  CHECK(memory.read(0xF0000, 1) == 0x11);
  CHECK(memory.read(0xEFFFF, 1) == 0xFF);  // below the window: nothing
}

TEST_CASE("map_bios: only the last 128 KiB of a larger image appear below 1 MiB") {
  AddressMap memory(kPageSize);
  std::vector<uint8_t> image(256 * 1024, 0);
  image[0] = 0x22;           // start of the image: only below 4 GiB
  image[128 * 1024] = 0x33;  // start of the last 128 KiB
  map_bios(memory, image);
  CHECK(memory.read(0xFFFC0000, 1) == 0x22);
  CHECK(memory.read(0xFFFE0000, 1) == 0x33);
  CHECK(memory.read(0xE0000, 1) == 0x33);
  CHECK(memory.read(0xDFFFF, 1) == 0xFF);
  CHECK(bios_low_window_bytes(256 * 1024) == 128 * 1024);
  CHECK(bios_low_window_bytes(64 * 1024) == 64 * 1024);
}

TEST_CASE("load_nic_boot_rom: optional unless network boot; the signature is checked") {
  const std::string missing = "/nonexistent/trapeze/pxe-e1000.rom";
  CHECK(load_nic_boot_rom(false, missing).empty());
  try {
    load_nic_boot_rom(true, missing);
    FAIL("a missing ROM for network boot must be a ConfigError");
  } catch (const ConfigError& e) {
    const std::string message = e.what();
    CHECK(message.find(missing) != std::string::npos);
    CHECK(message.find("ipxe-qemu") != std::string::npos);
  }
  std::vector<uint8_t> rom(2048, 0);
  rom[0] = 0x55;
  rom[1] = 0xAA;
  rom[2] = 4;
  TempFile good(rom, "nic-rom");
  CHECK(load_nic_boot_rom(false, good.path.string()) == rom);
  rom[1] = 0x00;
  TempFile unsigned_rom(rom, "nic-rom-unsigned");
  CHECK_THROWS_WITH_AS(load_nic_boot_rom(false, unsigned_rom.path.string()),
                       doctest::Contains("lacks the option ROM signature 55 AA"), ConfigError);
}
