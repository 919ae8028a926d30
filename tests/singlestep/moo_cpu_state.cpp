#include "tests/singlestep/moo_cpu_state.h"

namespace trapeze {

namespace {

enum class Where : uint8_t { kGpr, kSegment, kIp, kFlags };
struct Binding {
  Where where;
  uint8_t number;  // Gpr or SegReg
};

// Indexed by MooReg.
constexpr std::array<Binding, kMooRegCount> kBindings = {{
    {Where::kGpr, kRax},
    {Where::kGpr, kRbx},
    {Where::kGpr, kRcx},
    {Where::kGpr, kRdx},
    {Where::kSegment, kCs},
    {Where::kSegment, kSs},
    {Where::kSegment, kDs},
    {Where::kSegment, kEs},
    {Where::kGpr, kRsp},
    {Where::kGpr, kRbp},
    {Where::kGpr, kRsi},
    {Where::kGpr, kRdi},
    {Where::kIp, 0},
    {Where::kFlags, 0},
}};

// FLAGS bits 12-15: IOPL, NT and bit 15.
constexpr uint16_t kFlagsSettableIn286RealMode = 0x0FFF;

}  // namespace

unsigned trapeze_segment(MooReg r) { return kBindings[static_cast<unsigned>(r)].number; }

void load_registers(Cpu& cpu, const MooRegisters& regs) {
  for (unsigned i = 0; i < kMooRegCount; ++i) {
    if (!((regs.present >> i) & 1)) continue;
    uint16_t v = regs.value[i];
    const Binding& b = kBindings[i];
    switch (b.where) {
      case Where::kGpr:
        cpu.gpr[b.number] = v;  // whole register: reset() may leave a signature in EDX
        break;
      case Where::kSegment:
        cpu.seg[b.number].selector = v;
        cpu.seg[b.number].base = uint64_t{v} << 4;
        break;
      case Where::kIp:
        cpu.rip = v;
        break;
      case Where::kFlags:
        cpu.flags.write(v & kFlagsSettableIn286RealMode);
        break;
    }
  }
}

MooRegisterValues read_registers(const Cpu& cpu) {
  MooRegisterValues out{};
  for (unsigned i = 0; i < kMooRegCount; ++i) {
    const Binding& b = kBindings[i];
    switch (b.where) {
      case Where::kGpr:
        out[i] = cpu.gpr[b.number];
        break;
      case Where::kSegment:
        out[i] = cpu.seg[b.number].selector;
        break;
      case Where::kIp:
        out[i] = cpu.rip;
        break;
      case Where::kFlags:
        out[i] = cpu.flags.read();
        break;
    }
  }
  return out;
}

}  // namespace trapeze
