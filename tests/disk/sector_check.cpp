// Checks a disk image that disk_writer.asm was writing when trapeze was stopped or
// killed: every sector must be whole (all zeros, as the fresh image was, or stamped
// consistently for one generation), and since the guest writes sector 0 up to the end
// one generation after another, the image must be generation G+1 up to some sector and
// generation G after it: a write the guest saw finish is never missing.
//
//   trapeze-sector-check IMAGE
// Prints a summary; exits 0 when all holds and at least one sector was stamped, 1
// otherwise (naming the first bad sector), 2 on a usage or I/O error.
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <optional>
#include <vector>

namespace {

constexpr size_t kSectorBytes = 512;
constexpr size_t kDwords = kSectorBytes / 4;

uint32_t dword_at(const std::vector<uint8_t>& image, size_t offset) {
  return uint32_t{image[offset]} | uint32_t{image[offset + 1]} << 8 |
         uint32_t{image[offset + 2]} << 16 | uint32_t{image[offset + 3]} << 24;
}

// The generation a sector holds: 0 for all zeros, nullopt when it is torn or foreign.
std::optional<uint32_t> generation_of(const std::vector<uint8_t>& image, uint32_t lba) {
  const size_t base = size_t{lba} * kSectorBytes;
  uint32_t d[kDwords];
  bool all_zero = true;
  for (size_t i = 0; i < kDwords; ++i) {
    d[i] = dword_at(image, base + 4 * i);
    all_zero = all_zero && d[i] == 0;
  }
  if (all_zero) return 0;
  const uint32_t generation = d[1];
  if (d[0] != lba || generation == 0) return std::nullopt;
  const uint32_t pattern = (lba * 0x9E3779B1u) ^ (generation * 0x85EBCA6Bu);
  uint32_t sum = d[0] + d[1];
  for (uint32_t i = 2; i < kDwords - 1; ++i) {
    if (d[i] != (pattern ^ i)) return std::nullopt;
    sum += d[i];
  }
  if (d[kDwords - 1] != sum) return std::nullopt;
  return generation;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: trapeze-sector-check IMAGE\n");
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "trapeze-sector-check: cannot read %s\n", argv[1]);
    return 2;
  }
  const std::vector<uint8_t> image((std::istreambuf_iterator<char>(in)), {});
  if (image.empty() || image.size() % kSectorBytes != 0) {
    std::fprintf(stderr, "trapeze-sector-check: %s is not whole sectors\n", argv[1]);
    return 1;
  }
  const auto sectors = static_cast<uint32_t>(image.size() / kSectorBytes);
  std::vector<uint32_t> generations(sectors);
  for (uint32_t lba = 0; lba < sectors; ++lba) {
    const std::optional<uint32_t> generation = generation_of(image, lba);
    if (!generation) {
      std::printf("FAIL: sector %u is torn (neither zeros nor one generation's stamp)\n", lba);
      return 1;
    }
    generations[lba] = *generation;
  }
  // Generation G+1 on a prefix, G on the rest (G+1 everywhere is a finished pass).
  const uint32_t newest = generations.front();
  uint32_t boundary = 0;
  while (boundary < sectors && generations[boundary] == newest) ++boundary;
  for (uint32_t lba = boundary; lba < sectors; ++lba) {
    if (generations[lba] + 1 != newest) {
      std::printf(
          "FAIL: sector %u holds generation %u, but sectors before it hold %u: a write is "
          "missing\n",
          lba, generations[lba], newest);
      return 1;
    }
  }
  if (newest == 0) {
    std::printf("FAIL: no sector was written\n");
    return 1;
  }
  std::printf("%u sectors, all whole: generation %u in sectors 0-%u", sectors, newest,
              boundary - 1);
  if (boundary < sectors) std::printf(", generation %u after", newest - 1);
  std::printf("\n");
  return 0;
}
