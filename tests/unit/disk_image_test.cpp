// The raw image backend: what opening refuses (one-line ConfigErrors), odd sizes, the
// --snapshot overlay, read-only images, and writes that fail part-way leaving only whole
// sectors in the file.
#include "devices/disk_image.h"

#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "devices/config_error.h"
#include "ide_test_support.h"

using namespace trapeze;
using namespace trapeze::test;

namespace {

std::string config_error_of(const std::string& path, DiskMedium medium = DiskMedium::kHardDisk) {
  try {
    DiskImage::open(path, medium, false);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("DiskImage: a missing, empty or directory image is a one-line ConfigError") {
  TempFile empty({});
  const std::string missing = empty.dir() + "/no-such.img";
  CHECK(config_error_of(missing) ==
        "cannot open disk image '" + missing + "': No such file or directory");
  CHECK(config_error_of(empty.path()) == "disk image '" + empty.path() + "' is empty");
  CHECK(config_error_of(empty.dir()).find("Is a directory") != std::string::npos);
  for (const std::string& message : {config_error_of(missing), config_error_of(empty.path())})
    CHECK(message.find('\n') == std::string::npos);
}

TEST_CASE("DiskImage: reads and writes whole sectors of a file") {
  TempFile file(pattern_bytes(0, 8 * 512));
  {
    auto image = DiskImage::open(file.path(), DiskMedium::kHardDisk, false);
    CHECK(image->sector_count() == 8);
    CHECK(image->sector_bytes() == 512);
    CHECK_FALSE(image->read_only());
    std::vector<uint8_t> two(1024);
    REQUIRE(image->read(3, two) == DiskStatus::kOk);
    CHECK(two == pattern_bytes(3 * 512, 1024));
    std::vector<uint8_t> ones(512, 0x11);
    REQUIRE(image->write(7, ones) == DiskStatus::kOk);
    CHECK(image->read(7, two) == DiskStatus::kOutOfRange);  // 7 and 8: past the end
    CHECK(image->write(8, ones) == DiskStatus::kOutOfRange);
    CHECK(image->flush() == DiskStatus::kOk);
  }
  std::vector<uint8_t> expected = pattern_bytes(0, 8 * 512);
  std::fill(expected.begin() + 7 * 512, expected.end(), uint8_t{0x11});
  CHECK(file.read() == expected);
}

TEST_CASE("DiskImage: a size that is not a multiple of 512 reads zero-padded, as in QEMU") {
  TempFile file(pattern_bytes(0, 1000));  // one sector and 488 bytes
  auto image = DiskImage::open(file.path(), DiskMedium::kHardDisk, false);
  CHECK(image->sector_count() == 2);
  std::vector<uint8_t> last(512);
  REQUIRE(image->read(1, last) == DiskStatus::kOk);
  std::vector<uint8_t> expected = pattern_bytes(512, 488);
  expected.resize(512, 0);
  CHECK(last == expected);
  // Writing the partial sector writes all of it: the file grows to the boundary.
  REQUIRE(image->write(1, std::vector<uint8_t>(512, 0x77)) == DiskStatus::kOk);
  image.reset();
  CHECK(file.read().size() == 1024);
}

TEST_CASE("DiskImage: --snapshot keeps writes in memory and never changes the file") {
  const std::vector<uint8_t> original = pattern_bytes(0, 16 * 512);
  TempFile file(original);
  auto image = DiskImage::open(file.path(), DiskMedium::kHardDisk, true);
  CHECK(image->snapshot());
  CHECK_FALSE(image->read_only());
  std::vector<uint8_t> written(3 * 512);
  for (size_t i = 0; i < written.size(); ++i) written[i] = static_cast<uint8_t>(0xA0 ^ i);
  REQUIRE(image->write(5, written) == DiskStatus::kOk);
  CHECK(image->overlay_sectors() == 3);
  // Reads across the overlay's edges mix overlay and file sectors.
  std::vector<uint8_t> span(6 * 512);
  REQUIRE(image->read(3, span) == DiskStatus::kOk);
  CHECK(std::equal(span.begin(), span.begin() + 1024, original.begin() + 3 * 512));
  CHECK(std::equal(span.begin() + 1024, span.begin() + 5 * 512, written.begin()));
  CHECK(std::equal(span.begin() + 5 * 512, span.end(), original.begin() + 8 * 512));
  CHECK(image->flush() == DiskStatus::kOk);
  image.reset();
  CHECK(file.read() == original);
}

TEST_CASE("DiskImage: a read-only image refuses writes") {
  auto state = pattern_disk(4);
  auto image = memory_image(state, DiskMedium::kHardDisk, false, /*read_only=*/true);
  CHECK(image->read_only());
  uint64_t written = 99;
  CHECK(image->write(0, std::vector<uint8_t>(512), &written) == DiskStatus::kReadOnly);
  CHECK(written == 0);
  CHECK(state->bytes == pattern_bytes(0, 4 * 512));
  // A snapshot of a read-only file is writable: the writes stay in memory.
  auto snapshot = memory_image(state, DiskMedium::kHardDisk, true, true);
  CHECK(snapshot->write(0, std::vector<uint8_t>(512)) == DiskStatus::kOk);
  CHECK(state->bytes == pattern_bytes(0, 4 * 512));
}

TEST_CASE("DiskImage: a file without write permission opens read-only") {
  if (::geteuid() == 0) return;  // root may write anything: nothing to test
  TempFile file(pattern_bytes(0, 1024));
  std::filesystem::permissions(file.path(), std::filesystem::perms::owner_read);
  auto image = DiskImage::open(file.path(), DiskMedium::kHardDisk, false);
  CHECK(image->read_only());
  CHECK(image->write(0, std::vector<uint8_t>(512)) == DiskStatus::kReadOnly);
}

TEST_CASE("DiskImage: short writes and EINTR are retried until whole") {
  auto state = pattern_disk(4);
  state->max_bytes_per_call = 100;
  state->eintr_every = 3;
  auto image = memory_image(state);
  std::vector<uint8_t> data(3 * 512, 0x5A);
  uint64_t written = 0;
  REQUIRE(image->write(1, data, &written) == DiskStatus::kOk);
  CHECK(written == 3);
  std::vector<uint8_t> back(3 * 512);
  REQUIRE(image->read(1, back) == DiskStatus::kOk);
  CHECK(back == data);
}

TEST_CASE("DiskImage: a write that fails midway leaves whole sectors only") {
  // The host takes 700 bytes in pieces of 300, then fails once with EIO (a transient
  // error; the restore write afterwards succeeds): sector 1 is written whole, sector 2 was
  // half-written by the host and must hold its old bytes again.
  auto state = pattern_disk(6);
  state->max_bytes_per_call = 300;
  state->fail_once_after = 700;
  auto image = memory_image(state);
  uint64_t written = 0;
  CHECK(image->write(1, std::vector<uint8_t>(3 * 512, 0xEE), &written) == DiskStatus::kHostError);
  CHECK(written == 1);
  std::vector<uint8_t> expected = pattern_bytes(0, 6 * 512);
  std::fill(expected.begin() + 512, expected.begin() + 1024, uint8_t{0xEE});
  CHECK(state->bytes == expected);
}

TEST_CASE("DiskImage: a failure while restoring is reported with the sectors that made it") {
  // A disk that stays full: the restore of the torn sector fails too. The caller still
  // learns that one sector reached the file and that the write failed.
  auto state = pattern_disk(6);
  state->max_bytes_per_call = 300;
  state->write_budget = 700;
  auto image = memory_image(state);
  uint64_t written = 0;
  CHECK(image->write(1, std::vector<uint8_t>(3 * 512, 0xEE), &written) == DiskStatus::kHostError);
  CHECK(written == 1);
}

TEST_CASE("DiskImage: host read errors are reported, not zero data") {
  class BrokenReads final : public HostFile {
   public:
    Result read_at(uint64_t offset, std::span<uint8_t> out) override {
      if (offset >= 512) return {0, EIO};
      std::fill(out.begin(), out.end(), uint8_t{0});
      return {out.size(), 0};
    }
    Result write_at(uint64_t, std::span<const uint8_t> in) override { return {in.size(), 0}; }
    int flush() override { return 0; }
    uint64_t size_bytes() const override { return 4096; }
  };
  DiskImage image(std::make_unique<BrokenReads>(), "broken", DiskMedium::kHardDisk, false, false);
  std::vector<uint8_t> sector(512);
  CHECK(image.read(0, sector) == DiskStatus::kOk);
  CHECK(image.read(2, sector) == DiskStatus::kHostError);
}

TEST_CASE("DiskImage: FLUSH reaches the host only after writes") {
  auto state = pattern_disk(2);
  auto image = memory_image(state);
  CHECK(image->flush() == DiskStatus::kOk);
  CHECK(state->flushes == 0);
  REQUIRE(image->write(0, std::vector<uint8_t>(512)) == DiskStatus::kOk);
  CHECK(image->flush() == DiskStatus::kOk);
  CHECK(state->flushes == 1);
  REQUIRE(image->write(1, std::vector<uint8_t>(512)) == DiskStatus::kOk);
  image.reset();  // closing flushes what was written
  CHECK(state->flushes == 2);
}

TEST_CASE("DiskImage: CD-ROM images are read-only, 2048-byte sectors, checked for truncation") {
  TempFile iso(iso_image(20, 20), "disc.iso");
  auto image = DiskImage::open(iso.path(), DiskMedium::kCdRom, false);
  CHECK(image->sector_bytes() == 2048);
  CHECK(image->sector_count() == 20);
  CHECK(image->read_only());
  CHECK(image->write(0, std::vector<uint8_t>(2048)) == DiskStatus::kReadOnly);

  TempFile cut(iso_image(40, 20), "cut.iso");
  CHECK(config_error_of(cut.path(), DiskMedium::kCdRom) ==
        "CD-ROM image '" + cut.path() +
            "' is truncated: its ISO 9660 volume is 81920 bytes, the file 40960 bytes");
}

TEST_CASE("DiskImage: an image another process is writing is refused") {
  TempFile file(pattern_bytes(0, 1024));
  auto image = DiskImage::open(file.path(), DiskMedium::kHardDisk, false);
  // fcntl locks belong to processes: ask from a child.
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    int error = 0;
    const bool refused =
        open_host_file(file.path(), true, error) == nullptr && error == EWOULDBLOCK;
    ::_exit(refused ? 0 : 1);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("DiskImage: one image cannot be written by two drives of one process") {
  TempFile file(pattern_bytes(0, 1024));
  auto first = DiskImage::open(file.path(), DiskMedium::kHardDisk, false);
  // Open file description locks conflict within a process too: --hda X --hdb X.
  CHECK(config_error_of(file.path()) == "disk image '" + file.path() +
                                            "' is in use: another program, or another drive "
                                            "of this machine, has it open");
  // A snapshot only reads the file, but not one that is being written.
  CHECK_THROWS_AS(DiskImage::open(file.path(), DiskMedium::kHardDisk, true), ConfigError);
  first.reset();
  // Readers share: two snapshots, or a snapshot and a CD-ROM, of one file.
  auto snapshot = DiskImage::open(file.path(), DiskMedium::kHardDisk, true);
  auto cdrom = DiskImage::open(file.path(), DiskMedium::kCdRom, false);
  CHECK_NOTHROW(DiskImage::open(file.path(), DiskMedium::kHardDisk, true));
  CHECK(config_error_of(file.path()) == "disk image '" + file.path() +
                                            "' is in use: another program, or another drive "
                                            "of this machine, has it open");
  snapshot.reset();
  cdrom.reset();
  CHECK_NOTHROW(DiskImage::open(file.path(), DiskMedium::kHardDisk, false));
}

namespace {

// A master boot record with one partition table entry in slot 0.
std::vector<uint8_t> mbr_disk(uint8_t boot_indicator, uint8_t type, uint32_t start, uint32_t length,
                              size_t image_sectors) {
  std::vector<uint8_t> disk(image_sectors * 512, 0);
  uint8_t* entry = &disk[446];
  entry[0] = boot_indicator;
  entry[4] = type;
  for (int i = 0; i < 4; ++i) {
    entry[8 + i] = static_cast<uint8_t>(start >> (8 * i));
    entry[12 + i] = static_cast<uint8_t>(length >> (8 * i));
  }
  disk[510] = 0x55;
  disk[511] = 0xAA;
  return disk;
}

}  // namespace

TEST_CASE("DiskImage: a disk shorter than its partition table says is refused as truncated") {
  TempFile whole(mbr_disk(0x80, 0x06, 1, 63, 64));
  CHECK_NOTHROW(DiskImage::open(whole.path(), DiskMedium::kHardDisk, false));
  TempFile cut(mbr_disk(0x80, 0x06, 1, 63, 32));
  CHECK(config_error_of(cut.path()) ==
        "disk image '" + cut.path() +
            "' is truncated: partition 1 ends at sector 64 but the image has only 32 sectors");
  // With --snapshot too: the guest would see a damaged file system either way.
  CHECK_THROWS_AS(DiskImage::open(cut.path(), DiskMedium::kHardDisk, true), ConfigError);
  // Not a partition table: boot code running into it (a boot indicator other than 0x00
  // or 0x80), or a GPT's protective entry, which may claim more than the disk.
  TempFile code(mbr_disk(0xEB, 0x06, 1, 63, 32));
  CHECK_NOTHROW(DiskImage::open(code.path(), DiskMedium::kHardDisk, false));
  TempFile gpt(mbr_disk(0x00, 0xEE, 1, 0xFFFFFFFF, 32));
  CHECK_NOTHROW(DiskImage::open(gpt.path(), DiskMedium::kHardDisk, false));
}
