// libFuzzer harness: instruction bytes in a random CPU state on a small PC.
//
// The board is the whole PC (VGA and e1000 included, their BARs where the firmware would
// put them), so the code's port and MMIO accesses reach real devices.
//
// The input's header (CpuScenario) picks the mode (real, 16- or 32-bit protected at CPL 0,
// 32-bit at CPL 3, virtual-8086), paging (off, 4 KiB, 4 MiB pages, PAE), control and
// general registers, flags, debug registers, and perturbs the descriptor tables, TSS
// bitmaps and page tables the harness builds in guest RAM; the rest of the input is code.
// The machine then runs a bounded number of steps. Whatever the guest does (faults,
// triple faults, port and MMIO accesses to the real devices) is fine; a host crash, a
// sanitizer report, a hang or an escaping C++ exception is a finding.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <span>
#include <vector>

#include "devices/machine.h"
#include "tests/fuzz/cpu_scenario.h"
#include "tests/fuzz/fuzz_support.h"

namespace trapeze::fuzz {
namespace {

constexpr uint64_t kMemoryMib = 4;
// Bounds per input: instructions, and interrupt or exception deliveries (a guest in a
// fault loop learns nothing new after the first few, and each costs a C++ throw, which is
// slow under ASan).
constexpr uint64_t kMaxInstructions = 2000;
constexpr uint64_t kMaxDeliveries = 64;
// Virtual time a run may take, so a halted guest waiting for events ends too; it runs in
// slices so the instruction bound is checked along the way.
constexpr uint64_t kMaxRunNs = 100'000;
constexpr uint64_t kSliceNs = 100;
// And host time: a REP string instruction retires in chunks of 4096 iterations, each
// through the slow path when it touches MMIO or unmapped space, which under the
// sanitizers can take seconds for 2000 chunks. Only slow inputs are cut short this way.
constexpr auto kMaxHostTime = std::chrono::milliseconds(250);

// Guest-physical layout (all in the first 1 MiB of RAM).
constexpr uint32_t kGdt = 0x1000;
constexpr unsigned kGdtSlots = 24;
constexpr uint32_t kIdt = 0x2000;
constexpr uint32_t kTss = 0x3000;
constexpr uint32_t kTssIoMap = 0x88;              // after the 32-byte interrupt redirection bitmap
constexpr uint32_t kTssLimit = kTssIoMap + 8192;  // the bitmap and its closing 0xFF byte
constexpr uint32_t kLdt = 0x6000;
constexpr unsigned kLdtSlots = 16;
constexpr uint32_t kTss2 = 0x7000;  // the target of task gates
constexpr uint32_t kTss16 = 0x7800;
constexpr uint32_t kPageTables = 0x10000;  // up to 6 pages
constexpr uint32_t kPageTableBytes = 0x6000;
constexpr uint32_t kCode = 0x20000;
constexpr uint32_t kCodeBytes = 0x10000;
constexpr uint32_t kData = 0x30000;
constexpr uint32_t kStack0 = 0x3F000;  // offset in the flat segments
constexpr uint32_t kStack3 = 0x3E000;
// The APIC pages (0xFEC00000 I/O APIC, 0xFEE00000 local APIC) are mapped by paging too.
constexpr uint32_t kApicArea = 0xFEC00000;

// GDT selectors.
constexpr uint16_t kCode32 = 0x08, kData32 = 0x10, kCode16 = 0x18, kData16 = 0x20,
                   kUserCode = 0x28 | 3, kUserData = 0x30 | 3, kTssSel = 0x38, kLdtSel = 0x40,
                   kCallGate = 0x48, kTss2Sel = 0x50, kTss16Sel = 0x58;
constexpr unsigned kFirstRandomSlot = 12;

uint64_t segment_descriptor(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags) {
  uint64_t d = (limit & 0xFFFF) | (uint64_t{base & 0xFFFFFF} << 16) | (uint64_t{access} << 40) |
               (uint64_t{(limit >> 16) & 0xF} << 48) | (uint64_t{flags & 0xFu} << 52) |
               (uint64_t{base >> 24} << 56);
  return d;
}

uint64_t gate_descriptor(uint16_t selector, uint32_t offset, uint8_t access, uint8_t params = 0) {
  return (offset & 0xFFFF) | (uint64_t{selector} << 16) | (uint64_t{params & 0x1Fu} << 32) |
         (uint64_t{access} << 40) | (uint64_t{offset >> 16} << 48);
}

class ScenarioBuilder {
 public:
  ScenarioBuilder(Machine& machine, const CpuScenario& s) : m_(machine), s_(s) {}

  void build(std::span<const uint8_t> code) {
    write_code(code);
    write_gdt_and_ldt();
    write_idt();
    write_tss();
    write_page_tables();
    set_cpu_state();
    if (s_.options & cpu_option::kPic) start_timer_interrupts();
  }

 private:
  void put(uint32_t address, std::span<const uint8_t> bytes) {
    m_.memory().copy_to_guest(address, bytes);
  }
  void put64(uint32_t address, uint64_t v) { put_value(address, v); }
  void put32(uint32_t address, uint32_t v) { put_value(address, v); }
  void put16(uint32_t address, uint16_t v) { put_value(address, v); }
  template <typename T>
  void put_value(uint32_t address, T v) {
    uint8_t b[sizeof(T)];
    for (size_t i = 0; i < sizeof(T); ++i) b[i] = static_cast<uint8_t>(v >> (8 * i));
    put(address, b);
  }

  CpuMode mode() const { return static_cast<CpuMode>(s_.mode % kCpuModeCount); }
  Paging paging() const {
    return mode() == CpuMode::kReal ? Paging::kOff : static_cast<Paging>(s_.paging % kPagingCount);
  }
  uint32_t handler_offset() const { return s_.handler % kCodeBytes; }

  void write_code(std::span<const uint8_t> code) {
    code = code.first(std::min<size_t>(code.size(), kCodeBytes));
    put(kCode, code);
    // The code again in the data area, so memory operands read something other than zeros.
    put(kData, code.first(std::min<size_t>(code.size(), 0x8000)));
  }

  void write_gdt_and_ldt() {
    std::array<uint64_t, kGdtSlots> gdt{};
    gdt[kCode32 >> 3] = segment_descriptor(0, 0xFFFFF, 0x9B, 0xC);
    gdt[kData32 >> 3] = segment_descriptor(0, 0xFFFFF, 0x93, 0xC);
    gdt[kCode16 >> 3] = segment_descriptor(kCode, 0xFFFF, 0x9B, 0);
    gdt[kData16 >> 3] = segment_descriptor(kData, 0xFFFF, 0x93, 0);
    gdt[kUserCode >> 3] = segment_descriptor(0, 0xFFFFF, 0xFB, 0xC);
    gdt[kUserData >> 3] = segment_descriptor(0, 0xFFFFF, 0xF3, 0xC);
    gdt[kTssSel >> 3] = segment_descriptor(kTss, kTssLimit, 0x8B, 0);  // busy: it is TR
    gdt[kLdtSel >> 3] = segment_descriptor(kLdt, kLdtSlots * 8 - 1, 0x82, 0);
    gdt[kCallGate >> 3] =
        gate_descriptor(kCode32, kCode + handler_offset(), 0xEC, s_.call_gate_params);
    gdt[kTss2Sel >> 3] = segment_descriptor(kTss2, 0x67, 0x89, 0);
    gdt[kTss16Sel >> 3] = segment_descriptor(kTss16, 0x2B, 0x81, 0);
    for (unsigned i = 0; i + kFirstRandomSlot < kGdtSlots; ++i)
      gdt[kFirstRandomSlot + i] =
          s_.random_descriptors[2 * i] | (uint64_t{s_.random_descriptors[2 * i + 1]} << 32);
    for (unsigned i = 0; i < kGdtSlots; ++i) put64(kGdt + 8 * i, gdt[i]);
    // The LDT repeats the GDT's first entries, so selectors with TI set mean something.
    for (unsigned i = 0; i < kLdtSlots; ++i) put64(kLdt + 8 * i, gdt[i]);
  }

  void write_idt() {
    const uint8_t style = s_.idt_style;
    // Real mode: every vector to the handlers, CS = the code area's paragraph.
    for (unsigned v = 0; v < 256; ++v) {
      put16(4 * v, static_cast<uint16_t>(handler_offset()));
      put16(4 * v + 2, static_cast<uint16_t>(kCode >> 4));
    }
    const uint8_t dpl = (style & idt_style::kDpl0) ? 0 : 3;
    const uint8_t present = (style & idt_style::kNotPresent) ? 0 : 0x80;
    const uint8_t access_bits = static_cast<uint8_t>(present | (dpl << 5));
    const uint16_t target = (style & idt_style::kUserTarget) ? kUserCode : kCode32;
    uint64_t gate = 0;
    switch (style & idt_style::kKindMask) {
      case 0:
        gate = gate_descriptor(target, kCode + handler_offset(), access_bits | 0xE);
        break;
      case 1:
        gate = gate_descriptor(target, kCode + handler_offset(), access_bits | 0xF);
        break;
      case 2:
        gate = gate_descriptor(kCode16, handler_offset(), access_bits | 0x6);
        break;
      default:
        gate = gate_descriptor(kTss2Sel, 0, access_bits | 0x5);
        break;
    }
    if (mode() == CpuMode::kReal) return;
    for (unsigned v = 0; v < 256; ++v) put64(kIdt + 8 * v, gate);
    for (const GateOverride& g : s_.gates)
      if (g.low != 0 || g.high != 0) put64(kIdt + 8 * g.vector, g.low | (uint64_t{g.high} << 32));
  }

  uint32_t page_directory() const { return kPageTables; }

  void write_tss() {
    put32(kTss + 4, kStack0);  // ESP0
    put16(kTss + 8, kData32);  // SS0
    put32(kTss + 12, kStack0 - 0x400);
    put16(kTss + 16, kData32);
    put32(kTss + 20, kStack0 - 0x800);
    put16(kTss + 24, kData32);
    put32(kTss + 28, page_directory());
    put16(kTss + 0x60, kLdtSel);
    put16(kTss + 0x66, static_cast<uint16_t>(kTssIoMap));
    for (unsigned i = 0; i < 32; ++i)
      put(kTss + kTssIoMap - 32 + i, std::span(&s_.redirection_bitmap[i % 8], 1));
    std::vector<uint8_t> bitmap(8192 + 1, 0xFF);
    for (unsigned i = 0; i < 128; ++i) bitmap[i] = s_.io_bitmap[i % s_.io_bitmap.size()];
    put(kTss + kTssIoMap, bitmap);

    // A complete task for task gates: flat ring 0, at the handlers.
    put32(kTss2 + 28, page_directory());
    put32(kTss2 + 32, kCode + handler_offset());
    put32(kTss2 + 36, 2);        // EFLAGS
    put32(kTss2 + 56, kStack0);  // ESP
    for (unsigned s = 0; s < 6; ++s) put16(kTss2 + 72 + 4 * s, s == kCs ? kCode32 : kData32);
    put16(kTss2 + 0x66, 0x68);  // no I/O bitmap (beyond the limit)
    // A 16-bit TSS (only reachable through selectors the code makes up).
    put16(kTss16 + 2, static_cast<uint16_t>(kStack0));
    put16(kTss16 + 4, kData16);
    put16(kTss16 + 14, static_cast<uint16_t>(handler_offset()));
    put16(kTss16 + 16, 2);
    put16(kTss16 + 36, kCode16);
  }

  void write_page_tables() {
    const bool global = s_.options & cpu_option::kGlobalPages;
    const uint32_t leaf = 0x07 | (global ? 0x100 : 0);  // P, RW, US (+ G)
    const uint32_t ram_pages = static_cast<uint32_t>(kMemoryMib << 8);
    switch (paging()) {
      case Paging::kOff:
        return;
      case Paging::k4KiB:
        // PD at +0; low 4 MiB through the PT at +0x1000; the APIC area through +0x2000.
        put32(kPageTables, (kPageTables + 0x1000) | 7);
        put32(kPageTables + 4 * (kApicArea >> 22), (kPageTables + 0x2000) | 7);
        for (uint32_t i = 0; i < 1024; ++i) {
          if (i < ram_pages) put32(kPageTables + 0x1000 + 4 * i, (i << 12) | leaf);
          put32(kPageTables + 0x2000 + 4 * i, (kApicArea + (i << 12)) | leaf | 0x10);  // PCD
        }
        break;
      case Paging::kPse:
        put32(kPageTables, 0x80 | leaf);
        put32(kPageTables + 4 * (kApicArea >> 22), kApicArea | 0x90 | leaf);
        break;
      case Paging::kPae: {
        // PDPT at +0 (four entries), PD for 0-1 GiB at +0x1000, PD for 3-4 GiB at +0x2000,
        // PTs for the low 4 MiB at +0x3000 and +0x4000, for the APIC area at +0x5000.
        const uint64_t nx = (s_.options & cpu_option::kNoExecute) ? uint64_t{1} << 63 : 0;
        put64(kPageTables, (kPageTables + 0x1000) | 1);
        put64(kPageTables + 24, (kPageTables + 0x2000) | 1);
        put64(kPageTables + 0x1000, (kPageTables + 0x3000) | 7);
        put64(kPageTables + 0x1008, (kPageTables + 0x4000) | 7);
        put64(kPageTables + 0x2000 + 8 * ((kApicArea >> 21) & 511), (kPageTables + 0x5000) | 7);
        for (uint32_t i = 0; i < 1024; ++i) {
          // Pages above the first MiB of code and data may be no-execute.
          const uint64_t no_exec = i >= 0x40 ? nx : 0;
          if (i < ram_pages)
            put64(kPageTables + 0x3000 + 8 * i, (uint64_t{i} << 12) | leaf | no_exec);
        }
        for (uint32_t i = 0; i < 512; ++i)
          put64(kPageTables + 0x5000 + 8 * i, (kApicArea + (uint64_t{i} << 12)) | leaf | 0x10);
        break;
      }
    }
    for (const PageTableFlip& f : s_.flips) {
      if (f.xor_low == 0) continue;
      const uint32_t at = kPageTables + (4 * f.entry) % kPageTableBytes;
      uint8_t byte = 0;
      m_.memory().copy_from_guest(at, std::span(&byte, 1));
      byte ^= f.xor_low;
      put(at, std::span(&byte, 1));
    }
  }

  void set_cpu_state() {
    Cpu& cpu = m_.cpu();
    const CpuMode md = mode();
    const Paging pg = paging();
    for (unsigned r = 0; r < 8; ++r) cpu.gpr[r] = s_.gpr[r];

    cpu.gdtr = DescriptorTable{
        kGdt, static_cast<uint16_t>((s_.options & cpu_option::kShortGdt) ? s_.gdt_limit
                                                                         : kGdtSlots * 8 - 1)};
    if (md == CpuMode::kReal) {
      cpu.idtr = DescriptorTable{0, 0x3FF};
    } else {
      cpu.idtr = DescriptorTable{
          kIdt, static_cast<uint16_t>((s_.options & cpu_option::kShortIdt) ? s_.idt_limit : 0x7FF)};
      if (!(s_.options & cpu_option::kNoLdt))
        cpu.ldtr = Segment{kLdtSel, kLdt, kLdtSlots * 8 - 1, 0x82};
      cpu.tr = Segment{kTssSel, kTss, kTssLimit, 0x8B};
    }

    // Control registers: paging structures first, then CR0 (PE and PG together).
    static constexpr uint64_t kCr4Bits[8] = {cr4::VME, cr4::PVI, cr4::TSD,    cr4::DE,
                                             cr4::PGE, cr4::PCE, cr4::OSFXSR, cr4::OSXMMEXCPT};
    static constexpr uint64_t kCr0Bits[8] = {cr0::MP, cr0::EM, cr0::TS, cr0::NE,
                                             cr0::WP, cr0::AM, cr0::CD, cr0::NW};
    uint64_t cr4_value = 0, cr0_value = 0;
    for (unsigned b = 0; b < 8; ++b) {
      if (s_.cr4_bits & (1u << b)) cr4_value |= kCr4Bits[b];
      if (s_.cr0_bits & (1u << b)) cr0_value |= kCr0Bits[b];
    }
    if (pg == Paging::kPse) cr4_value |= cr4::PSE;
    if (pg == Paging::kPae) cr4_value |= cr4::PAE;
    cpu.write_cr4(cr4_value);
    if (pg == Paging::kPae && (s_.options & cpu_option::kNoExecute)) cpu.write_efer(1u << 11);
    cpu.write_cr3(page_directory());
    if (md != CpuMode::kReal) cr0_value |= cr0::PE;
    if (pg != Paging::kOff) cr0_value |= cr0::PG;
    // CR0 without PE first, so the caches below are taken in the final mode.
    uint32_t eflags = (s_.eflags & 0x003F7FD5) | flag::kReserved1;
    eflags &= ~flag::VM;
    if (md == CpuMode::kVirtual8086) eflags |= flag::VM;
    cpu.flags.write(eflags);
    cpu.write_cr0(cr0_value);

    auto real_segment = [&](uint16_t selector, uint16_t rights) {
      return Segment{selector, uint64_t{selector} << 4, 0xFFFF, rights};
    };
    auto from_gdt = [&](uint16_t selector) {
      Descriptor d;
      m_.memory().copy_from_guest(kGdt + (selector & ~7u),
                                  std::span(reinterpret_cast<uint8_t*>(&d), 8));
      return Segment{selector, d.base(), d.limit(), d.rights()};
    };
    std::array<Segment, kSegCount> segs;
    uint64_t entry = s_.entry % kCodeBytes;
    uint32_t stack = kStack0;
    switch (md) {
      case CpuMode::kReal:
      case CpuMode::kVirtual8086: {
        const uint16_t rights = md == CpuMode::kReal ? 0x93 : 0xF3;
        segs[kCs] = real_segment(kCode >> 4, md == CpuMode::kReal ? 0x9B : 0xF3);
        segs[kEs] = real_segment(s_.real_selectors[0], rights);
        segs[kSs] = real_segment(s_.real_selectors[1], rights);
        segs[kDs] = real_segment(s_.real_selectors[2], rights);
        segs[kFs] = segs[kGs] = real_segment(s_.real_selectors[3], rights);
        if (md == CpuMode::kReal && (s_.options & cpu_option::kUnreal))
          for (unsigned s : {kEs, kDs, kFs, kGs}) segs[s].limit = 0xFFFFFFFF;
        stack = 0xFFFE;
        break;
      }
      case CpuMode::kProtected16:
        segs[kCs] = from_gdt(kCode16);
        for (unsigned s : {kEs, kSs, kDs, kFs, kGs}) segs[s] = from_gdt(kData16);
        stack = kStack0 - kData;
        break;
      case CpuMode::kProtected32:
        segs[kCs] = from_gdt(kCode32);
        for (unsigned s : {kEs, kSs, kDs, kFs, kGs}) segs[s] = from_gdt(kData32);
        entry += kCode;
        break;
      case CpuMode::kUser32:
        segs[kCs] = from_gdt(kUserCode);
        for (unsigned s : {kEs, kSs, kDs, kFs, kGs}) segs[s] = from_gdt(kUserData);
        entry += kCode;
        stack = kStack3;
        break;
    }
    for (unsigned s = 0; s < kSegCount; ++s)
      if (s != kCs) cpu.set_segment_cache(s, segs[s]);
    cpu.set_segment_cache(kCs, segs[kCs]);
    cpu.rip = entry;
    if (!(s_.options & cpu_option::kRawStack)) cpu.gpr[kRsp] = stack;

    if (s_.options & cpu_option::kDebugRegisters) {
      for (unsigned i = 0; i < 4; ++i) cpu.write_dr(i, s_.dr[i]);
      cpu.write_dr(7, s_.dr7);
    } else {
      cpu.write_dr(7, 0);  // recomputes alignment checking for the final CPL and flags
    }
  }

  // The 8259s at vectors 0x20/0x28 with only IRQ 0 unmasked, and the PIT firing every
  // ~1.7 us, so interrupts arrive in the middle of whatever the code does.
  void start_timer_interrupts() {
    IoBus& io = m_.io();
    for (auto [port, value] : std::initializer_list<std::pair<uint16_t, uint8_t>>{{0x20, 0x11},
                                                                                  {0x21, 0x20},
                                                                                  {0x21, 0x04},
                                                                                  {0x21, 0x01},
                                                                                  {0x21, 0xFE},
                                                                                  {0xA0, 0x11},
                                                                                  {0xA1, 0x28},
                                                                                  {0xA1, 0x02},
                                                                                  {0xA1, 0x01},
                                                                                  {0xA1, 0xFF},
                                                                                  {0x43, 0x34},
                                                                                  {0x40, 0x02},
                                                                                  {0x40, 0x00}})
      io.out(port, 1, value);
  }

  Machine& m_;
  const CpuScenario& s_;
};

struct Reader {
  FieldReader& in;
  template <typename T>
  void operator()(T& field) {
    field = in.take<T>();
  }
};

}  // namespace
}  // namespace trapeze::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  trapeze::fuzz::silence_logging();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace trapeze;
  using namespace trapeze::fuzz;
  FieldReader in(std::span(data, size));
  CpuScenario scenario;
  Reader reader{in};
  scenario.visit(reader);

  // One machine for the process: building one allocates the CPU's caches (megabytes),
  // which would cost more than the run. Each input starts from a reset and zeroed RAM.
  static Machine& machine = []() -> Machine& {
    MachineConfig config = small_machine_config(kMemoryMib);
    config.nic = NicKind::kE1000;
    Machine* m = new Machine(config);
    m->network_card()->set_transmit_sink([](std::span<const uint8_t>) {});
    return *m;
  }();
  machine.reset();
  machine.debug_ports().clear_exit_request();  // an earlier input may have written 0xF4
  clear_ram(machine);
  configure_like_firmware(machine);
  ScenarioBuilder(machine, scenario).build(in.rest());
  const Cpu& cpu = machine.cpu();
  const uint64_t start_retired = cpu.instructions_retired();
  const uint64_t start_deliveries = cpu.steps() - start_retired;
  const uint64_t start_ns = machine.scheduler().now_ns();
  const auto host_deadline = std::chrono::steady_clock::now() + kMaxHostTime;
  while (cpu.instructions_retired() - start_retired < kMaxInstructions &&
         cpu.steps() - cpu.instructions_retired() - start_deliveries < kMaxDeliveries &&
         machine.scheduler().now_ns() - start_ns < kMaxRunNs &&
         std::chrono::steady_clock::now() < host_deadline) {
    const RunResult r = machine.run_for(kSliceNs);
    if (r.reason != StopReason::kDeadline) break;
  }
  return 0;
}
