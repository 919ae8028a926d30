// Image locks in QEMU's byte-range scheme (devices/image_lock.h): a QEMU that has the
// image open is simulated by taking its lock bytes on another open of the file, and
// trapeze's own lock bytes are checked where QEMU looks for them.
#include "devices/image_lock.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <initializer_list>

#include "ide_test_support.h"

using namespace trapeze;
using namespace trapeze::test;

namespace {

struct flock one_byte(short type, off_t byte) {
  struct flock lock {};
  lock.l_type = type;
  lock.l_whence = SEEK_SET;
  lock.l_start = byte;
  lock.l_len = 1;
  return lock;
}

// Another open of the file, as a second program has.
struct OtherOpener {
  explicit OtherOpener(const std::string& path) : fd(::open(path.c_str(), O_RDWR)) {}
  ~OtherOpener() { ::close(fd); }
  void take(std::initializer_list<off_t> bytes) const {
    for (off_t byte : bytes) {
      struct flock lock = one_byte(F_RDLCK, byte);
      REQUIRE(::fcntl(fd, F_OFD_SETLK, &lock) == 0);
    }
  }
  // Whether an exclusive lock on `byte` would conflict with someone else's.
  bool sees_lock_on(off_t byte) const {
    struct flock lock = one_byte(F_WRLCK, byte);
    REQUIRE(::fcntl(fd, F_OFD_GETLK, &lock) == 0);
    return lock.l_type != F_UNLCK;
  }
  int fd;
};

}  // namespace

TEST_CASE("Image locks: a QEMU writing the image keeps trapeze off it") {
  TempFile file(pattern_bytes(0, 1024));
  OtherOpener qemu(file.path());
  // QEMU's writable disk: holds read, write, write-unchanged; refuses write and resize.
  qemu.take({100, 101, 102, 201, 203});
  const int fd = ::open(file.path().c_str(), O_RDWR);
  CHECK(lock_image(fd, true) == ImageLock::kBusy);
  CHECK(lock_image(fd, false) == ImageLock::kBusy);
  ::close(fd);
}

TEST_CASE("Image locks: a QEMU reading the image lets trapeze read, not write") {
  TempFile file(pattern_bytes(0, 1024));
  OtherOpener qemu(file.path());
  // QEMU's read-only disk: holds consistent read, refuses write and resize.
  qemu.take({100, 201, 203});
  const int writer = ::open(file.path().c_str(), O_RDWR);
  CHECK(lock_image(writer, true) == ImageLock::kBusy);
  ::close(writer);
  const int reader = ::open(file.path().c_str(), O_RDONLY);
  CHECK(lock_image(reader, false) == ImageLock::kLocked);
  ::close(reader);
}

TEST_CASE("Image locks: trapeze's bytes are where QEMU looks for them") {
  TempFile file(pattern_bytes(0, 1024));
  OtherOpener qemu(file.path());
  {
    const int fd = ::open(file.path().c_str(), O_RDWR);
    REQUIRE(lock_image(fd, true) == ImageLock::kLocked);
    // Held: consistent read (100), write (101), write unchanged (102); refused: write
    // (201) and resize (203). Consistent read stays shareable (200 free).
    for (off_t byte : {100, 101, 102, 201, 203}) CHECK(qemu.sees_lock_on(byte));
    for (off_t byte : {103, 200, 202}) CHECK_FALSE(qemu.sees_lock_on(byte));
    ::close(fd);
  }
  // Closing the file drops them all.
  for (off_t byte : {100, 101, 102, 201, 203}) CHECK_FALSE(qemu.sees_lock_on(byte));
  const int reader = ::open(file.path().c_str(), O_RDONLY);
  REQUIRE(lock_image(reader, false) == ImageLock::kLocked);
  CHECK(qemu.sees_lock_on(100));
  CHECK_FALSE(qemu.sees_lock_on(101));
  CHECK(qemu.sees_lock_on(201));
  ::close(reader);
}
