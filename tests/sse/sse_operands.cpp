#include "tests/sse/sse_operands.h"

#include <cstring>

namespace trapeze::ssetest {

namespace {
constexpr uint32_t kSingleSpecials[] = {
    0x00000000, 0x80000000, 0x00000001, 0x807FFFFF, 0x00400000, 0x00800000, 0x80800000,
    0x7F7FFFFF, 0xFF7FFFFF, 0x7F800000, 0xFF800000, 0x7FC00000, 0xFFC00000, 0x7FA00001,
    0xFF800001, 0x3F800000, 0xBF800000, 0x3F000000, 0x3FC00000, 0x40200000, 0xBFC00000,
    0x4F000000, 0xCF000000, 0x4EFFFFFF, 0xCF000001, 0x4B800000, 0x33800000, 0x34000000,
    0x3F800001, 0x3F7FFFFF, 0x00800001, 0x007FFFFF, 0x0C000000, 0x72800000};
constexpr uint64_t kDoubleSpecials[] = {
    0x0000000000000000, 0x8000000000000000, 0x0000000000000001, 0x800FFFFFFFFFFFFF,
    0x0008000000000000, 0x0010000000000000, 0x8010000000000000, 0x7FEFFFFFFFFFFFFF,
    0xFFEFFFFFFFFFFFFF, 0x7FF0000000000000, 0xFFF0000000000000, 0x7FF8000000000000,
    0xFFF8000000000000, 0x7FF4000000000001, 0xFFF0000000000001, 0x3FF0000000000000,
    0xBFF0000000000000, 0x3FE0000000000000, 0x3FF8000000000000, 0x41DFFFFFFFC00000,
    0xC1E0000000000000, 0x41E0000000000000, 0xC1E0000000200000, 0x41DFFFFFFFFFFFFF,
    0x3FF0000000000001, 0x3FEFFFFFFFFFFFFF, 0x3810000000000000, 0x380FFFFFF0000000,
    0x47EFFFFFE0000000, 0x47EFFFFFF0000000, 0x36A0000000000000, 0x3E70000000000000};
}  // namespace

uint32_t OperandGenerator::single() {
  const uint32_t sign = below(2) ? 0x80000000u : 0u;
  switch (below(8)) {
    case 0:
    case 1:
      return kSingleSpecials[below(sizeof kSingleSpecials / 4)];
    case 2:
      return static_cast<uint32_t>(bits());
    case 3:
      return sign | static_cast<uint32_t>(bits() & 0x007FFFFF);  // denormal
    case 4:
      return sign | ((1 + below(4)) << 23) |
             static_cast<uint32_t>(bits() & 0x7FFFFF);  // near the bottom
    case 5:
      return sign | ((250 + below(5)) << 23) |
             static_cast<uint32_t>(bits() & 0x7FFFFF);  // near the top
    case 6: {  // few significant bits: ties and exact results
      const uint32_t frac =
          static_cast<uint32_t>(bits() & 0x7FFFFF) & (below(2) ? 0x7F0000u : 0x7F0001u);
      return sign | ((100 + below(56)) << 23) | frac;
    }
    default:
      return sign | ((110 + below(36)) << 23) | static_cast<uint32_t>(bits() & 0x7FFFFF);
  }
}

uint64_t OperandGenerator::double_value() {
  const uint64_t sign = below(2) ? 0x8000000000000000ull : 0;
  const uint64_t frac = bits() & 0x000FFFFFFFFFFFFFull;
  switch (below(8)) {
    case 0:
    case 1:
      return kDoubleSpecials[below(sizeof kDoubleSpecials / 8)];
    case 2:
      return bits();
    case 3:
      return sign | frac;
    case 4:
      return sign | (uint64_t{1 + below(4)} << 52) | frac;
    case 5:
      return sign | (uint64_t{2042 + below(5)} << 52) | frac;
    case 6:
      return sign | (uint64_t{900 + below(250)} << 52) | (frac & 0x000FF00000000001ull);
    case 7:  // around the single range (CVTSD2SS) and the int32 range
      return sign | (uint64_t{(below(2) ? 0x360 : 0x47E) + below(32)} << 52) | frac;
    default:
      return sign | (uint64_t{1000 + below(48)} << 52) | frac;
  }
}

void OperandGenerator::fill(uint8_t* out, Kind kind) {
  for (unsigned n = 0; n < 16; n += kind == Kind::kDouble ? 8 : 4) {
    if (kind == Kind::kSingle) {
      const uint32_t v = single();
      std::memcpy(out + n, &v, 4);
    } else if (kind == Kind::kDouble) {
      const uint64_t v = double_value();
      std::memcpy(out + n, &v, 8);
    } else {
      uint32_t v = static_cast<uint32_t>(bits());
      if (below(3) == 0) v = static_cast<uint32_t>(static_cast<int32_t>(v) >> below(31));
      std::memcpy(out + n, &v, 4);
    }
  }
}

void OperandGenerator::relate(uint8_t* out, const uint8_t* first, Kind kind) {
  fill(out, kind);
  if (kind == Kind::kInteger || below(2)) return;
  const unsigned size = kind == Kind::kDouble ? 8 : 4;
  for (unsigned n = 0; n < 16; n += size) {
    uint64_t v = 0;
    std::memcpy(&v, first + n, size);
    const uint64_t sign = uint64_t{1} << (8 * size - 1);
    switch (below(5)) {
      case 0:
        break;  // equal
      case 1:
        v += below(2) ? 1 : uint64_t(-1);
        break;  // an ulp away
      case 2:
        v ^= sign;
        break;  // negated: cancellation
      case 3:   // half an ulp of the first (a tie when added), same or other sign
        v = (v & sign) | ((v & ~sign) - (uint64_t{size == 8 ? 53u : 24u} << (size == 8 ? 52 : 23)));
        break;
      default:
        continue;  // keep the random value
    }
    if (size == 4) v &= 0xFFFFFFFF;
    std::memcpy(out + n, &v, size);
  }
}

uint32_t OperandGenerator::mxcsr() {
  uint32_t m = below(4) << 13;
  if (below(4) == 0) m |= 1u << 6;   // DAZ
  if (below(4) == 0) m |= 1u << 15;  // FZ
  m |= below(5) == 0 ? static_cast<uint32_t>(bits() & 0x1F80) : 0x1F80u;
  if (below(2)) m |= static_cast<uint32_t>(bits() & 0x3F);
  return m;
}

RunInput OperandGenerator::next() {
  RunInput in;
  FxImage& img = in.image;
  img.put<uint16_t>(0, 0x037F);
  img.put<uint16_t>(2, static_cast<uint16_t>(below(8) << 11));  // TOP, no exceptions pending
  img.bytes[4] = static_cast<uint8_t>(bits());
  for (unsigned n = 0; n < 8; ++n) {
    const uint64_t signif = bits();
    std::memcpy(img.st(n), &signif, 8);
    const uint16_t se = below(2) ? 0xFFFF : static_cast<uint16_t>(bits());
    std::memcpy(img.st(n) + 8, &se, 2);
  }
  img.set_mxcsr(mxcsr());
  const Kind kind = static_cast<Kind>(below(3));
  for (unsigned n = 0; n < 8; ++n)
    fill(img.xmm(n), n == 0 || below(4) ? kind : static_cast<Kind>(below(3)));
  relate(img.xmm(1), img.xmm(0), kind);
  relate(in.memory.data(), img.xmm(0), kind);
  in.eax = static_cast<uint32_t>(bits());
  in.eflags = 2 | static_cast<uint32_t>(bits() & 0x8D5);
  return in;
}

}  // namespace trapeze::ssetest
