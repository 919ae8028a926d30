// The processor's local APIC, in xAPIC mode (Intel SDM vol. 3, chapter 10 "Advanced
// Programmable Interrupt Controller (APIC)"), for the one CPU of the PC board: the 4 KiB
// register page at IA32_APIC_BASE (default 0xFEE00000), the priority logic between the
// interrupt sources and the CPU, the local vector table (timer, thermal, performance
// counters, LINT0, LINT1, error), interprocessor interrupts to itself, and the timer
// (one-shot, periodic, TSC-deadline).
//
// Wiring (the board does this once):
//   LocalApic apic(memory, scheduler);       // maps its page at 0xFEE00000
//   apic.set_pic(&pic);                        // LINT0 <- the 8259's INTR (virtual wire)
//   cpu.set_interrupt_source(&apic);           // INTR and the acknowledge cycle
//   cpu.set_local_apic(&apic);                 // IA32_APIC_BASE, IA32_TSC_DEADLINE, CPUID
//   apic.set_nmi_sink([&] { cpu.raise_nmi(); });
//   apic.set_access_hooks(catch_up_time, end_slice_if_event_due);  // see below
//   IoApic io_apic(memory, apic);              // the APIC bus, both ways (io_apic.h)
//
// The PIC reaches the CPU through this device in every state, as on a P6 and as in
// QEMU's pc machine (hw/intc/apic.c apic_accept_pic_intr, apic_get_interrupt):
// - globally disabled (IA32_APIC_BASE bit 11 clear): the APIC is not there; LINT0 is
//   the CPU's INTR pin and LINT1 its NMI pin;
// - otherwise LINT0 follows its LVT entry: ExtINT and unmasked passes the 8259's INTR
//   and its acknowledge cycle through, ahead of the APIC's own interrupts and whatever
//   the task priority says (ExtINT is not subject to priority, SDM 10.8.2).
// After RESET the BSP's LINT0 is ExtINT and unmasked (QEMU apic_reset_common does this
// "as a BIOS would"): the PIC works before any software touches the APIC, while the
// APIC itself is still software-disabled. SeaBIOS then enables it (SVR bit 8) and
// writes LINT0 = 0x8700 (ExtINT) and LINT1 = 0x8400 (NMI).
// LINT0 in fixed, NMI, SMI or INIT mode would need the 8259's INTR as an edge/level
// signal rather than a polled one; only Linux's last-resort timer check uses that, so
// those modes log once and pass nothing.
//
// Modelling choices:
// - Time: the timer counts at kTimerHz = 1 GHz before the divider, the frequency of the
//   virtual clock (one ns per tick, like the TSC), so counts are exact integers of ns
//   and the APIC and TSC agree. QEMU's APIC counts at the same rate; Linux calibrates
//   the timer against the PIT and reports a 1000 MHz bus. The count is never stepped:
//   the current count is computed from the virtual clock, and one scheduler event is
//   pending per expiry. A periodic timer's events are spaced at least kMinPeriodNs apart
//   (a guest programming a 2 ns period would otherwise flood the scheduler); the
//   interrupts of the periods in between coalesce, as they would in the IRR anyway.
// - Virtual time inside a CPU slice: like port I/O (devices/timed_port_io.h), register
//   and MSR accesses run set_access_hooks()' `before` first (the board catches the
//   scheduler up with the instruction, so the current count is exact) and `after` last
//   (the board ends the slice early if the access armed the timer sooner).
// - Delivery is instantaneous: delivery-status bits always read 0.
// - Software disable (SVR bit 8 clear) masks every LVT entry and keeps them masked, as
//   the SDM says (10.4.7.2); interrupts already in the IRR wait for the APIC to be
//   enabled again. Global disable is final until RESET, as on the P6 family (10.4.3),
//   and takes the register page off the bus.
// - Registers are 32 bits wide on 16-byte boundaries; narrower reads return part of the
//   register, narrower writes are ignored (logged once). Reserved offsets read 0 and set
//   ESR bit 7 (illegal register address).
// - Relocating the page over something else the address map holds (RAM, a device)
//   cannot be modelled by a map without overlaps: the page then disappears (logged).
#pragma once

#include <spdlog/logger.h>

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "cpu/interrupt_source.h"
#include "cpu/local_apic_link.h"
#include "devices/irq_line.h"
#include "devices/scheduler.h"
#include "mmu/address_map.h"

namespace trapeze {

// Delivery modes of interrupt messages (ICR, I/O APIC redirection entries) and of LVT
// entries (SDM 10.5.1, 10.6.1).
enum class ApicDelivery : uint8_t {
  kFixed = 0,
  kLowestPriority = 1,
  kSmi = 2,
  kNmi = 4,
  kInit = 5,
  kStartup = 6,
  kExtInt = 7,
};

// One interrupt message on the APIC bus (I/O APIC or MSI to local APIC).
struct ApicMessage {
  uint8_t vector = 0;
  ApicDelivery delivery = ApicDelivery::kFixed;
  bool logical = false;     // destination mode: logical (LDR/DFR) or physical (APIC ID)
  uint8_t destination = 0;  // 0xFF: broadcast
  bool level_triggered = false;
};

class LocalApic : public MmioHandler, public InterruptSource, public LocalApicLink {
 public:
  static constexpr uint64_t kDefaultBase = 0xFEE00000;
  static constexpr uint64_t kPageBytes = 0x1000;
  static constexpr uint64_t kTimerHz = 1'000'000'000;
  static constexpr uint64_t kMinPeriodNs = 1000;
  // Version register: integrated xAPIC (0x14), LVT entries 0-5.
  static constexpr uint32_t kVersion = 0x00050014;

  // Register offsets in the page (SDM table 10-1).
  static constexpr uint32_t kId = 0x020, kVersionReg = 0x030, kTpr = 0x080, kApr = 0x090,
                            kPpr = 0x0A0, kEoi = 0x0B0, kRrd = 0x0C0, kLdr = 0x0D0, kDfr = 0x0E0,
                            kSvr = 0x0F0, kIsr = 0x100, kTmr = 0x180, kIrr = 0x200, kEsr = 0x280,
                            kIcrLow = 0x300, kIcrHigh = 0x310, kLvtTimer = 0x320,
                            kLvtThermal = 0x330, kLvtPerf = 0x340, kLvtLint0 = 0x350,
                            kLvtLint1 = 0x360, kLvtError = 0x370, kInitialCount = 0x380,
                            kCurrentCount = 0x390, kDivide = 0x3E0;

  // IA32_APIC_BASE bits.
  static constexpr uint64_t kBaseBsp = 1u << 8;
  static constexpr uint64_t kBaseEnable = 1u << 11;
  static constexpr uint64_t kBaseAddressMask = 0xFFFFFF000;  // 36-bit physical addresses
  // SVR bits.
  static constexpr uint32_t kSvrEnable = 1u << 8;
  static constexpr uint32_t kSvrFocusDisable = 1u << 9;
  // LVT and ICR fields.
  static constexpr uint32_t kLvtMasked = 1u << 16;
  static constexpr uint32_t kLvtLevel = 1u << 15;      // trigger mode (LINT0/1)
  static constexpr uint32_t kLvtRemoteIrr = 1u << 14;  // LINT0/1
  static constexpr uint32_t kTimerPeriodic = 1u << 17;
  static constexpr uint32_t kTimerTscDeadline = 1u << 18;
  static constexpr uint32_t kIcrLevelAssert = 1u << 14;
  static constexpr uint32_t kIcrLevelTrigger = 1u << 15;
  // ESR bits (xAPIC, SDM figure 10-9).
  static constexpr uint32_t kEsrSendIllegalVector = 1u << 5;
  static constexpr uint32_t kEsrReceiveIllegalVector = 1u << 6;
  static constexpr uint32_t kEsrIllegalRegister = 1u << 7;

  // Maps the register page in `memory` and registers the timer's event type on
  // `scheduler`; both must outlive the APIC. Starts in the RESET state.
  LocalApic(AddressMap& memory, Scheduler& scheduler);
  LocalApic(const LocalApic&) = delete;  // the CPU, the I/O APIC and the map point at it
  LocalApic& operator=(const LocalApic&) = delete;
  ~LocalApic() override;

  // RESET: the power-up state (base 0xFEE00000, globally enabled, BSP, ID 0, software
  // disabled, LINT0 ExtINT for the BSP).
  void reset();
  // INIT (SDM 10.4.7.3): the power-up register state except the APIC ID and
  // IA32_APIC_BASE; all LVT entries masked.
  void init();

  // ---- Wiring. ----
  // The 8259's INTR and acknowledge cycle on LINT0; nullptr: nothing on LINT0.
  void set_pic(InterruptSource* pic);
  // The LINT1 pin (on a PC: the chipset's NMI line). Hold the returned sink in an
  // IrqLine; it points at this APIC.
  IrqLine::Sink lint1();
  // Where NMIs and INITs for this CPU go (an unset sink logs once). SMIs always log once.
  void set_nmi_sink(std::function<void()> sink) { nmi_sink_ = std::move(sink); }
  void set_init_sink(std::function<void()> sink) { init_sink_ = std::move(sink); }
  // The EOI message to the I/O APICs, for EOIs of level-triggered vectors (the IoApic
  // constructor sets it).
  void set_eoi_broadcast(std::function<void(uint8_t vector)> broadcast) {
    eoi_broadcast_ = std::move(broadcast);
  }
  // Run before and after each register access and APIC MSR access (see the header).
  void set_access_hooks(std::function<void()> before, std::function<void()> after);

  // ---- The APIC bus. ----
  // An interrupt message: accepted when this APIC is a destination.
  void receive(const ApicMessage& message);
  // Whether a message with this destination addresses this APIC (SDM 10.6.2).
  bool is_destination(uint8_t destination, bool logical) const;

  // ---- InterruptSource: INTR and the acknowledge cycle. ----
  bool interrupt_pending() const override {
    return pic_path_open() || extint_pending_ || fixed_pending_;
  }
  uint8_t acknowledge_interrupt() override;

  // ---- MmioHandler: the register page. ----
  uint64_t read(uint64_t offset, unsigned size_bytes) override;
  void write(uint64_t offset, unsigned size_bytes, uint64_t value) override;

  // ---- LocalApicLink: MSRs and CPUID. ----
  uint64_t read_apic_base_msr() override;
  bool write_apic_base_msr(uint64_t value) override;
  uint64_t read_tsc_deadline_msr() override;
  void write_tsc_deadline_msr(uint64_t deadline, uint64_t tsc_now) override;
  bool apic_globally_enabled() const override { return apic_base_ & kBaseEnable; }
  uint8_t initial_apic_id() const override { return 0; }

  // ---- State without side effects (monitor, traces, tests). ----
  // The 32-bit register at `offset` as a read would return it, without setting ESR.
  uint32_t peek(uint32_t offset) const;
  uint64_t apic_base_msr() const { return apic_base_; }
  uint64_t base_address() const { return apic_base_ & kBaseAddressMask; }
  bool software_enabled() const { return svr_ & kSvrEnable; }
  uint8_t id() const { return id_; }
  uint8_t tpr() const { return tpr_; }
  uint8_t ppr() const;
  uint8_t apr() const;
  bool irr(uint8_t vector) const { return test(irr_, vector); }
  bool isr(uint8_t vector) const { return test(isr_, vector); }
  bool tmr(uint8_t vector) const { return test(tmr_, vector); }
  uint32_t lvt(uint32_t offset) const { return lvt_[lvt_index(offset)]; }
  uint32_t current_count() const;
  uint64_t tsc_deadline() const { return tsc_deadline_; }
  // When the timer's next event is due, or nullopt when none is pending.
  std::optional<uint64_t> timer_event_ns() const { return scheduler_.scheduled_ns(timer_event_); }

 private:
  using Bits256 = std::array<uint32_t, 8>;
  static constexpr unsigned kLvtCount = 6;
  static unsigned lvt_index(uint32_t offset) { return (offset - kLvtTimer) >> 4; }
  static bool test(const Bits256& bits, uint8_t v) { return (bits[v >> 5] >> (v & 31)) & 1; }
  static void set(Bits256& bits, uint8_t v, bool on);
  // The highest vector set, or nullopt.
  static std::optional<uint8_t> highest(const Bits256& bits);

  void register_write(uint32_t offset, uint32_t value);
  bool register_exists(uint32_t offset) const;
  void write_svr(uint32_t value);
  void write_lvt(uint32_t offset, uint32_t value);
  void write_icr(uint32_t value);
  void end_of_interrupt();
  void record_error(uint32_t esr_bit);

  // Puts `vector` in the IRR (the TMR says how it was triggered); vectors 0-15 are
  // illegal and set ESR bit 6 instead.
  void accept(uint8_t vector, bool level_triggered);
  // Raises the interrupt an LVT entry describes (timer, thermal, perf, error, LINT1).
  void signal_lvt(unsigned index);
  void deliver(ApicDelivery mode, uint8_t vector, bool level_triggered);
  void lint1_changed(bool level);
  // Recomputes fixed_pending_ after any change to the IRR, ISR, TPR or SVR.
  void update();
  // The IRR vector the priority rules let through now, if any (SDM 10.8.3.1).
  std::optional<uint8_t> deliverable_vector() const;
  // The 8259's request reaches the CPU now (APIC disabled, or LINT0 ExtINT unmasked).
  bool pic_path_open() const { return pic_through_ && pic_->interrupt_pending(); }
  void update_pic_path();
  void update_mapping();

  // Timer.
  enum class TimerMode { kOneShot, kPeriodic, kTscDeadline };
  static TimerMode timer_mode_of(uint32_t lvt_timer);
  TimerMode timer_mode() const { return timer_mode_of(lvt_[0]); }
  unsigned divide_shift() const;
  uint64_t now_ns() const { return scheduler_.now_ns(); }
  // The count at `now` from (count_base_ns_, count_base_), counting in `mode`.
  uint32_t count_at(TimerMode mode, uint64_t now) const;
  // Restarts the count description at now, from the count `mode` gives now; an expired
  // one-shot stops.
  void rebase(TimerMode mode);
  void write_initial_count(uint32_t value);
  void write_divide(uint32_t value);
  void schedule_count_expiry();
  void on_timer_event();

  AddressMap& memory_;
  Scheduler& scheduler_;
  EventType timer_event_type_;
  EventId timer_event_;

  uint64_t apic_base_ = 0;
  std::optional<uint64_t> mapped_base_;
  uint8_t id_ = 0;
  uint8_t tpr_ = 0;
  uint8_t ldr_ = 0;
  uint8_t dfr_model_ = 0xF;  // DFR bits 31:28: 0xF flat, 0x0 cluster
  uint32_t svr_ = 0xFF;
  Bits256 isr_{}, tmr_{}, irr_{};
  uint32_t esr_ = 0;          // what a read returns: latched at the last ESR write
  uint32_t esr_pending_ = 0;  // errors since the last ESR write
  bool in_error_ = false;     // signalling the error LVT (an illegal vector there loops)
  uint32_t icr_low_ = 0, icr_high_ = 0;
  std::array<uint32_t, kLvtCount> lvt_{};
  uint32_t initial_count_ = 0;
  uint32_t divide_ = 0;
  // The down-counter: it held count_base_ at count_base_ns_ and runs while counting_.
  bool counting_ = false;
  uint64_t count_base_ns_ = 0;
  uint32_t count_base_ = 0;
  uint64_t tsc_deadline_ = 0;

  bool lint1_level_ = false;
  bool extint_pending_ = false;  // an ExtINT message waits for its acknowledge cycle
  bool fixed_pending_ = false;
  bool pic_through_ = false;  // pic_ set and the LINT0 path open

  InterruptSource* pic_ = nullptr;
  std::function<void()> nmi_sink_;
  std::function<void()> init_sink_;
  std::function<void(uint8_t)> eoi_broadcast_;
  std::function<void()> before_access_;
  std::function<void()> after_access_;
  std::shared_ptr<spdlog::logger> log_;
};

}  // namespace trapeze
