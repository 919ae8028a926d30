// An ATA hard disk (T13 ATA/ATAPI-6, 1410D) over a raw DiskImage: IDENTIFY DEVICE, reads
// and writes by LBA28, LBA48 and CHS, single-sector and multiple-sector PIO, bus-master
// DMA, READ VERIFY, FLUSH CACHE, SET FEATURES, SET MULTIPLE MODE, INITIALIZE DEVICE
// PARAMETERS, the power-management commands, and ABRT for everything else.
//
// Identity: model "TRAPEZE HARDDISK", serial "TZ" + the drive's number (as QEMU numbers
// its "QM000n"), firmware revision the trapeze version. ATA-6, LBA48, FLUSH CACHE (EXT),
// write cache on, multiword DMA 0-2 and Ultra DMA 0-5 offered (the PIIX3 host uses
// multiword DMA; Linux's ata_piix picks it), PIO 0-4, up to 16 sectors per READ/WRITE
// MULTIPLE block.
//
// Geometry: the default CHS translation is the ATA-6 one (16 heads, 63 sectors per
// track, cylinders to fill at most 16383), which is what SeaBIOS reports to INT 13h for a
// disk of up to 504 MiB and the start of its LBA translation above. INITIALIZE DEVICE
// PARAMETERS changes the current translation (words 54-58). CHS addresses beyond the disk,
// sector 0, or a head beyond the current translation give IDNF.
//
// Errors: an address range past the end of the disk gives IDNF; a host read error UNC;
// a refused or failed write (read-only image, host error) ABRT. The task file then holds
// the failing sector's address; after a successful transfer it holds the last sector
// transferred and a sector count of 0 (ATA-2's rule, which old drivers still read).
//
// Write cache: on by default; with SET FEATURES 82h (write cache off) every write is
// followed by a flush of the image, as the drive would write through.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "devices/disk_image.h"
#include "devices/ide_device.h"

namespace trapeze {

class AtaDisk : public IdeDevice {
 public:
  struct Geometry {
    uint32_t cylinders = 0;
    uint32_t heads = 0;
    uint32_t sectors_per_track = 0;
    friend bool operator==(const Geometry&, const Geometry&) = default;
  };
  static constexpr unsigned kMaxMultipleSectors = 16;
  static constexpr const char* kModel = "TRAPEZE HARDDISK";

  // `image` must be a hard-disk medium (512-byte sectors). `serial` defaults to "TZ" and
  // the drive's number on the controller (channel * 2 + unit + 1).
  explicit AtaDisk(std::unique_ptr<DiskImage> image, std::string serial = {});

  bool is_atapi() const override { return false; }
  std::string describe() const override;

  const DiskImage& image() const { return *image_; }
  uint64_t sector_count() const { return sectors_; }
  Geometry default_geometry() const { return default_geometry_; }
  Geometry current_geometry() const { return current_geometry_; }
  // Sectors per READ/WRITE MULTIPLE block, 0 while multiple mode is off.
  unsigned multiple_count() const { return multiple_count_; }
  bool write_cache_enabled() const { return write_cache_; }
  // The 256 words IDENTIFY DEVICE returns.
  std::array<uint16_t, 256> identify_data() const;

 protected:
  void execute(uint8_t command) override;
  void step(uint64_t step) override;
  void pio_block_done() override;
  bool dma_next_chunk(std::vector<uint8_t>& chunk) override;
  bool dma_chunk_done(const std::vector<uint8_t>& chunk) override;
  uint8_t status_after_reset() const override;
  void reset_settings() override;

 private:
  enum class Transfer { kPio, kPioMultiple, kDma, kVerify };
  enum class Addressing { kChs, kLba28, kLba48 };
  static constexpr uint64_t kStepReadBlock = kFirstDerivedStep;
  static constexpr uint64_t kStepWriteBlock = kFirstDerivedStep + 1;
  // Sectors per DMA chunk moved between the image and guest memory at a time.
  static constexpr uint32_t kDmaChunkSectors = 128;

  void start_transfer(bool write, Transfer transfer, bool ext);
  // The command's starting sector from the task file, or false (after failing with
  // IDNF) when a CHS address is invalid.
  bool decode_address(uint64_t& lba);
  // Puts `lba` in the address registers in the command's addressing mode.
  void set_address(uint64_t lba);
  void set_remaining_count(uint64_t count);
  // Ends the transfer at `lba` with `error`.
  void fail_at(uint64_t lba, uint8_t error);
  uint8_t write_error(DiskStatus status) const;
  // Reads the next PIO block into the PIO buffer and offers it to the host.
  void send_read_block();
  void write_block();
  uint32_t block_sectors() const;
  void set_features();
  void set_multiple_mode();
  void initialize_device_parameters();
  void flush_cache();
  void verify();
  void log_unsupported(uint8_t command);

  std::unique_ptr<DiskImage> image_;
  std::string serial_;
  uint64_t sectors_ = 0;
  Geometry default_geometry_;
  Geometry current_geometry_;
  // Settings (SET FEATURES, SET MULTIPLE MODE), kept across soft resets.
  unsigned multiple_count_ = 0;
  bool write_cache_ = true;
  bool look_ahead_ = true;
  uint8_t transfer_mode_ = 0;  // SET FEATURES 03h value: 08h+n PIO, 20h+n MWDMA, 40h+n UDMA
  bool standby_ = false;
  // The transfer in progress.
  Addressing addressing_ = Addressing::kLba28;
  Transfer transfer_ = Transfer::kPio;
  bool writing_ = false;
  // The PIO data in flight is IDENTIFY's block, not sectors: no addresses or counts to
  // update when it has been read.
  bool identify_block_ = false;
  uint64_t next_lba_ = 0;
  uint64_t remaining_ = 0;    // sectors not yet transferred
  uint32_t block_count_ = 0;  // sectors in the current PIO block or DMA chunk
  std::array<bool, 256> unsupported_logged_{};
};

}  // namespace trapeze
