// SeaBIOS's debug port 0x402: the 0xE9 read-back that qemu_debug_preinit checks, and the
// characters written reaching the --firmware-log output.
#include "devices/firmware_log.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "devices/char_output.h"
#include "devices/io_bus.h"

using namespace trapeze;

TEST_CASE("FirmwareLog: reads 0xE9 and writes each byte to the output") {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() /
      ("trapeze-firmware-log-test-" + std::to_string(::getpid()) + ".txt");
  {
    IoBus io;
    CharOutput output(OutputSpec{OutputTarget::kFile, path.string()});
    FirmwareLog log(io, output);
    CHECK(io.in(0x402, 1) == 0xE9);
    for (char c : std::string("SeaBIOS (version 1.16.2)\n"))
      io.out(0x402, 1, static_cast<uint8_t>(c));
    CHECK(io.in(0x403, 1) == 0xFF);  // one port only
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  CHECK(text.str() == "SeaBIOS (version 1.16.2)\n");
  std::filesystem::remove(path);
}
