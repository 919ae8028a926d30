// Advisory locks on disk image files, in QEMU's byte-range scheme (block/file-posix.c's
// "image locking"), so that trapeze and QEMU keep each other off an image just as two
// trapeze processes do: nobody writes an image someone else has open, and nobody opens
// an image someone else writes.
//
// Each permission an opener holds is a shared lock on byte 100 + p, and each
// permission it refuses to everyone else a shared lock on byte 200 + p, with p: 0
// consistent read, 1 write, 2 write unchanged, 3 resize. Before taking them, an opener
// checks that nobody refuses what it wants (bytes 200 + p) and that nobody holds what it
// refuses (bytes 100 + p). A writer holds read, write and write-unchanged and refuses
// write and resize; a reader (--snapshot, a CD-ROM) holds read and refuses write and
// resize. So readers share, and a writer excludes everyone.
//
// The locks are open file description (OFD) locks: they belong to this open of the
// file, so one trapeze cannot attach an image to two drives either, and closing
// another descriptor of the file cannot drop them. Kernels without OFD locks (before
// Linux 3.15) get classic per-process locks.
#pragma once

namespace trapeze {

enum class ImageLock {
  kLocked,       // the locks are held until `fd` is closed
  kBusy,         // another opener's locks conflict: the image is in use
  kUnsupported,  // the file system has no locks (some network mounts): run unlocked
};

ImageLock lock_image(int fd, bool writable);

}  // namespace trapeze
