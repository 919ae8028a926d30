#include "devices/image_lock.h"

#include <errno.h>
#include <fcntl.h>

#include <span>

namespace trapeze {
namespace {

constexpr off_t kHeldBase = 100;     // QEMU's RAW_LOCK_PERM_BASE
constexpr off_t kRefusedBase = 200;  // QEMU's RAW_LOCK_SHARED_BASE
constexpr int kConsistentRead = 0, kWrite = 1, kWriteUnchanged = 2, kResize = 3;

struct LockCommands {
  int set;
  int get;
};

LockCommands commands(bool ofd) {
#ifdef F_OFD_SETLK
  if (ofd) return {F_OFD_SETLK, F_OFD_GETLK};
#endif
  (void)ofd;
  return {F_SETLK, F_GETLK};
}

// What a lock call says; kOldKernel: EINVAL from an OFD command (before Linux 3.15).
enum class Answer { kFree, kTaken, kNoLocks, kOldKernel };

Answer failure() {
  if (errno == EINVAL) return Answer::kOldKernel;
  if (errno == EAGAIN || errno == EACCES) return Answer::kTaken;  // lost a race
  return Answer::kNoLocks;                                        // ENOLCK and the like
}

struct flock one_byte(short type, off_t byte) {
  struct flock lock {};
  lock.l_type = type;
  lock.l_whence = SEEK_SET;
  lock.l_start = byte;
  lock.l_len = 1;
  return lock;
}

// Whether someone else holds a lock on `byte`.
Answer probe(int fd, off_t byte, LockCommands cmd) {
  struct flock lock = one_byte(F_WRLCK, byte);
  if (::fcntl(fd, cmd.get, &lock) != 0) return failure();
  return lock.l_type == F_UNLCK ? Answer::kFree : Answer::kTaken;
}

Answer take_shared(int fd, off_t byte, LockCommands cmd) {
  struct flock lock = one_byte(F_RDLCK, byte);
  return ::fcntl(fd, cmd.set, &lock) == 0 ? Answer::kFree : failure();
}

Answer try_lock(int fd, bool writable, LockCommands cmd) {
  static constexpr int kWriterHolds[] = {kConsistentRead, kWrite, kWriteUnchanged};
  static constexpr int kReaderHolds[] = {kConsistentRead};
  static constexpr int kEveryoneRefuses[] = {kWrite, kResize};
  const std::span<const int> held =
      writable ? std::span<const int>(kWriterHolds) : std::span<const int>(kReaderHolds);
  const std::span<const int> refused = kEveryoneRefuses;
  for (int p : held)
    if (Answer a = probe(fd, kRefusedBase + p, cmd); a != Answer::kFree) return a;
  for (int p : refused)
    if (Answer a = probe(fd, kHeldBase + p, cmd); a != Answer::kFree) return a;
  for (int p : held)
    if (Answer a = take_shared(fd, kHeldBase + p, cmd); a != Answer::kFree) return a;
  for (int p : refused)
    if (Answer a = take_shared(fd, kRefusedBase + p, cmd); a != Answer::kFree) return a;
  return Answer::kFree;
}

}  // namespace

ImageLock lock_image(int fd, bool writable) {
  Answer answer = try_lock(fd, writable, commands(true));
  if (answer == Answer::kOldKernel) answer = try_lock(fd, writable, commands(false));
  switch (answer) {
    case Answer::kFree:
      return ImageLock::kLocked;
    case Answer::kTaken:
      return ImageLock::kBusy;
    case Answer::kNoLocks:
    case Answer::kOldKernel:
      break;
  }
  return ImageLock::kUnsupported;
}

}  // namespace trapeze
