#include "devices/local_apic.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <stdexcept>

#include "cpu/log.h"

namespace trapeze {

namespace {

// The LVT entries in register order (index into lvt_).
enum LvtIndex : unsigned { kTimer, kThermal, kPerf, kLint0, kLint1, kError };

// Writable bits of each LVT entry (SDM figure 10-8): vector and mask everywhere; delivery
// mode where the entry has one; polarity and trigger mode on the LINT pins; the timer
// mode on the timer. Delivery status and remote IRR are read-only.
constexpr uint32_t kVectorMask = 0xFF, kModeMask = 0x700, kPolarity = 1u << 13;
constexpr std::array<uint32_t, 6> kLvtWritable = {
    kVectorMask | LocalApic::kLvtMasked | LocalApic::kTimerPeriodic | LocalApic::kTimerTscDeadline,
    kVectorMask | kModeMask | LocalApic::kLvtMasked,
    kVectorMask | kModeMask | LocalApic::kLvtMasked,
    kVectorMask | kModeMask | kPolarity | LocalApic::kLvtLevel | LocalApic::kLvtMasked,
    kVectorMask | kModeMask | kPolarity | LocalApic::kLvtLevel | LocalApic::kLvtMasked,
    kVectorMask | LocalApic::kLvtMasked,
};
// ICR low: vector, delivery mode, destination mode, level, trigger mode, shorthand.
constexpr uint32_t kIcrWritable = 0x000CCFFF;
constexpr uint32_t kSvrWritable = 0xFF | LocalApic::kSvrEnable | LocalApic::kSvrFocusDisable;
// The divide configuration register keeps bits 0, 1 and 3.
constexpr uint32_t kDivideWritable = 0xB;

ApicDelivery lvt_mode(uint32_t entry) { return static_cast<ApicDelivery>((entry >> 8) & 7); }

}  // namespace

LocalApic::LocalApic(AddressMap& memory, Scheduler& scheduler)
    : memory_(memory),
      scheduler_(scheduler),
      timer_event_type_(
          scheduler.register_type("local-apic-timer", [this](uint64_t) { on_timer_event(); })),
      log_(log::component("apic")) {
  reset();
}

LocalApic::~LocalApic() {
  scheduler_.cancel(timer_event_);
  if (mapped_base_) memory_.unmap(*mapped_base_);
}

void LocalApic::reset() {
  apic_base_ = kDefaultBase | kBaseBsp | kBaseEnable;
  id_ = 0;
  init();
  // The BSP's virtual wire, as QEMU's pc leaves it (see the header).
  lvt_[kLint0] = static_cast<uint32_t>(ApicDelivery::kExtInt) << 8;
  update_pic_path();
  update_mapping();
}

void LocalApic::init() {
  scheduler_.cancel(timer_event_);
  tpr_ = ldr_ = 0;
  dfr_model_ = 0xF;
  svr_ = 0xFF;
  isr_ = tmr_ = irr_ = Bits256{};
  esr_ = esr_pending_ = 0;
  icr_low_ = icr_high_ = 0;
  lvt_.fill(kLvtMasked);
  initial_count_ = divide_ = 0;
  counting_ = false;
  count_base_ns_ = count_base_ = 0;
  tsc_deadline_ = 0;
  extint_pending_ = false;
  update();
  update_pic_path();
}

void LocalApic::set_pic(InterruptSource* pic) {
  pic_ = pic;
  update_pic_path();
}

IrqLine::Sink LocalApic::lint1() {
  return [this](bool level) { lint1_changed(level); };
}

void LocalApic::set_access_hooks(std::function<void()> before, std::function<void()> after) {
  before_access_ = std::move(before);
  after_access_ = std::move(after);
}

// ---- Bit sets. ----

void LocalApic::set(Bits256& bits, uint8_t v, bool on) {
  const uint32_t mask = 1u << (v & 31);
  bits[v >> 5] = on ? bits[v >> 5] | mask : bits[v >> 5] & ~mask;
}

std::optional<uint8_t> LocalApic::highest(const Bits256& bits) {
  for (unsigned word = 8; word-- > 0;)
    if (bits[word]) return static_cast<uint8_t>(word * 32 + 31 - std::countl_zero(bits[word]));
  return std::nullopt;
}

// ---- Priorities (SDM 10.8.3.1 "Task and Processor Priorities", 10.6.2.4 APR). ----

uint8_t LocalApic::ppr() const {
  const uint8_t isrv = highest(isr_).value_or(0);
  return (tpr_ >> 4) >= (isrv >> 4) ? tpr_ : static_cast<uint8_t>(isrv & 0xF0);
}

uint8_t LocalApic::apr() const {
  const uint8_t isrv = highest(isr_).value_or(0);
  const uint8_t irrv = highest(irr_).value_or(0);
  if ((tpr_ >> 4) >= (irrv >> 4) && (tpr_ >> 4) > (isrv >> 4)) return tpr_;
  return static_cast<uint8_t>(std::max({tpr_ & 0xF0, isrv & 0xF0, irrv & 0xF0}));
}

std::optional<uint8_t> LocalApic::deliverable_vector() const {
  if (!apic_globally_enabled() || !software_enabled()) return std::nullopt;
  const std::optional<uint8_t> v = highest(irr_);
  if (!v || (*v & 0xF0) <= (ppr() & 0xF0)) return std::nullopt;
  return v;
}

void LocalApic::update() { fixed_pending_ = deliverable_vector().has_value(); }

void LocalApic::update_pic_path() {
  const uint32_t lint0 = lvt_[kLint0];
  const bool virtual_wire = !(lint0 & kLvtMasked) && lvt_mode(lint0) == ApicDelivery::kExtInt;
  pic_through_ = pic_ != nullptr && (!apic_globally_enabled() || virtual_wire);
}

// ---- The acknowledge cycle. ----

uint8_t LocalApic::acknowledge_interrupt() {
  // The 8259 first: ExtINT ignores priorities, as QEMU's apic_get_interrupt also has it.
  if (pic_path_open() || extint_pending_) {
    extint_pending_ = false;
    if (pic_) return pic_->acknowledge_interrupt();
    log::once(log_, "apic: ExtINT with no 8259 on LINT0: spurious vector");
    return static_cast<uint8_t>(svr_ & 0xFF);
  }
  if (const std::optional<uint8_t> v = deliverable_vector()) {
    set(irr_, *v, false);
    set(isr_, *v, true);
    update();
    return *v;
  }
  // The request went away (TPR raised, masked) between INTR and INTA.
  return static_cast<uint8_t>(svr_ & 0xFF);
}

void LocalApic::end_of_interrupt() {
  const std::optional<uint8_t> v = highest(isr_);
  if (!v) return;
  set(isr_, *v, false);
  update();
  if (!tmr(*v)) return;
  // A level-triggered LINT pin re-arms; the I/O APICs hear the EOI message.
  for (unsigned index : {kLint0, kLint1}) {
    uint32_t& entry = lvt_[index];
    if ((entry & kLvtRemoteIrr) && (entry & kVectorMask) == *v) {
      entry &= ~kLvtRemoteIrr;
      if (index == kLint1) lint1_changed(lint1_level_);
    }
  }
  if (eoi_broadcast_) eoi_broadcast_(*v);
}

// ---- Receiving interrupts. ----

void LocalApic::accept(uint8_t vector, bool level_triggered) {
  if (vector < 16) {
    record_error(kEsrReceiveIllegalVector);
    return;
  }
  set(irr_, vector, true);
  set(tmr_, vector, level_triggered);
  update();
}

void LocalApic::deliver(ApicDelivery mode, uint8_t vector, bool level_triggered) {
  switch (mode) {
    case ApicDelivery::kFixed:
    case ApicDelivery::kLowestPriority:  // one CPU: it is always the lowest
      accept(vector, level_triggered);
      break;
    case ApicDelivery::kNmi:
      if (nmi_sink_) {
        nmi_sink_();
      } else {
        log::once(log_, "apic: NMI with no NMI sink wired: dropped");
      }
      break;
    case ApicDelivery::kInit:
      if (init_sink_) {
        init_sink_();
      } else {
        log::once(log_, "apic: INIT to this CPU is not wired: dropped");
      }
      break;
    case ApicDelivery::kSmi:
      log::once(log_, "apic: SMI delivery (no system management mode): dropped");
      break;
    case ApicDelivery::kStartup:
      // Only a CPU waiting for SIPI after INIT starts; the BSP never waits.
      log_->trace("start-up IPI to the BSP ignored");
      break;
    case ApicDelivery::kExtInt:
      extint_pending_ = true;
      break;
    default:
      log::once(log_, fmt::format("apic: reserved delivery mode {} ignored",
                                  static_cast<unsigned>(mode)));
      break;
  }
}

bool LocalApic::is_destination(uint8_t destination, bool logical) const {
  if (destination == 0xFF) return true;  // broadcast, in both modes
  if (!logical) return destination == id_;
  switch (dfr_model_) {
    case 0xF:
      return (destination & ldr_) != 0;  // flat: one bit per APIC
    case 0x0:                            // cluster: cluster id, then bits
      return (destination >> 4) == (ldr_ >> 4) && (destination & ldr_ & 0xF) != 0;
    default:
      return false;
  }
}

void LocalApic::receive(const ApicMessage& message) {
  // A globally disabled APIC is not on the bus.
  if (!apic_globally_enabled() || !is_destination(message.destination, message.logical)) return;
  const bool level = message.level_triggered && (message.delivery == ApicDelivery::kFixed ||
                                                 message.delivery == ApicDelivery::kLowestPriority);
  deliver(message.delivery, message.vector, level);
}

void LocalApic::signal_lvt(unsigned index) {
  const uint32_t entry = lvt_[index];
  if (entry & kLvtMasked) return;
  const bool has_mode = index != kTimer && index != kError;
  const ApicDelivery mode = has_mode ? lvt_mode(entry) : ApicDelivery::kFixed;
  deliver(mode, static_cast<uint8_t>(entry & kVectorMask), false);
}

void LocalApic::lint1_changed(bool level) {
  const bool rising = level && !lint1_level_;
  lint1_level_ = level;
  // Globally disabled, LINT1 is the CPU's NMI pin.
  if (!apic_globally_enabled()) {
    if (rising && nmi_sink_) nmi_sink_();
    return;
  }
  uint32_t& entry = lvt_[kLint1];
  if (entry & kLvtMasked) return;
  if (lvt_mode(entry) == ApicDelivery::kFixed && (entry & kLvtLevel)) {
    // Level-triggered: delivered while high, once per EOI (remote IRR).
    if (level && !(entry & kLvtRemoteIrr)) {
      entry |= kLvtRemoteIrr;
      accept(static_cast<uint8_t>(entry & kVectorMask), true);
    }
    return;
  }
  if (rising) signal_lvt(kLint1);
}

void LocalApic::record_error(uint32_t esr_bit) {
  esr_pending_ |= esr_bit;
  if (in_error_) return;  // an illegal vector in the error entry itself
  in_error_ = true;
  signal_lvt(kError);
  in_error_ = false;
}

// ---- Registers. ----

bool LocalApic::register_exists(uint32_t offset) const {
  switch (offset) {
    case kId:
    case kVersionReg:
    case kTpr:
    case kApr:
    case kPpr:
    case kEoi:
    case kRrd:
    case kLdr:
    case kDfr:
    case kSvr:
    case kEsr:
    case kIcrLow:
    case kIcrHigh:
    case kInitialCount:
    case kCurrentCount:
    case kDivide:
      return true;
    default:
      break;
  }
  return (offset >= kIsr && offset < kEsr) || (offset >= kLvtTimer && offset <= kLvtError);
}

uint32_t LocalApic::peek(uint32_t offset) const {
  offset &= 0xFF0;
  if (offset >= kIsr && offset < kIrr + 0x80) {
    const Bits256& bits = offset < kTmr ? isr_ : offset < kIrr ? tmr_ : irr_;
    return bits[(offset >> 4) & 7];
  }
  if (offset >= kLvtTimer && offset <= kLvtError) return lvt_[lvt_index(offset)];
  switch (offset) {
    case kId:
      return uint32_t{id_} << 24;
    case kVersionReg:
      return kVersion;
    case kTpr:
      return tpr_;
    case kApr:
      return apr();
    case kPpr:
      return ppr();
    case kLdr:
      return uint32_t{ldr_} << 24;
    case kDfr:
      return uint32_t{dfr_model_} << 28 | 0x0FFFFFFF;
    case kSvr:
      return svr_;
    case kEsr:
      return esr_;
    case kIcrLow:
      return icr_low_;  // delivery status: always idle
    case kIcrHigh:
      return icr_high_;
    case kInitialCount:
      return initial_count_;
    case kCurrentCount:
      return current_count();
    case kDivide:
      return divide_;
    default:
      return 0;  // EOI, remote read, reserved
  }
}

uint64_t LocalApic::read(uint64_t offset, unsigned size_bytes) {
  if (before_access_) before_access_();
  const uint32_t reg = static_cast<uint32_t>(offset) & 0xFF0;
  const unsigned byte = offset & 0xF;
  uint64_t value = 0;
  if (!register_exists(reg)) {
    record_error(kEsrIllegalRegister);
  } else if (byte < 4) {
    value = peek(reg) >> (8 * byte);
    if (size_bytes < 4) value &= (uint64_t{1} << (8 * size_bytes)) - 1;
  }
  if (after_access_) after_access_();
  return value;
}

void LocalApic::write(uint64_t offset, unsigned size_bytes, uint64_t value) {
  if (before_access_) before_access_();
  if (size_bytes < 4 || (offset & 0xF) != 0) {
    log::once(log_, fmt::format("apic: {}-byte write at offset {:#x} ignored (registers are "
                                "written as aligned dwords)",
                                size_bytes, offset));
  } else {
    register_write(static_cast<uint32_t>(offset) & 0xFF0, static_cast<uint32_t>(value));
  }
  if (after_access_) after_access_();
}

void LocalApic::register_write(uint32_t offset, uint32_t value) {
  if (offset >= kLvtTimer && offset <= kLvtError) {
    write_lvt(offset, value);
    return;
  }
  switch (offset) {
    case kId:
      id_ = static_cast<uint8_t>(value >> 24);
      break;
    case kTpr:
      tpr_ = static_cast<uint8_t>(value);
      update();
      break;
    case kEoi:
      end_of_interrupt();
      break;
    case kLdr:
      ldr_ = static_cast<uint8_t>(value >> 24);
      break;
    case kDfr:
      dfr_model_ = static_cast<uint8_t>(value >> 28);
      break;
    case kSvr:
      write_svr(value);
      break;
    case kEsr:
      // Write, then read: the write latches the errors seen since the previous write.
      esr_ = esr_pending_;
      esr_pending_ = 0;
      break;
    case kIcrLow:
      write_icr(value);
      break;
    case kIcrHigh:
      icr_high_ = value & 0xFF000000;
      break;
    case kInitialCount:
      write_initial_count(value);
      break;
    case kDivide:
      write_divide(value);
      break;
    default:
      if (!register_exists(offset)) record_error(kEsrIllegalRegister);
      break;  // read-only registers ignore writes
  }
}

void LocalApic::write_svr(uint32_t value) {
  const bool was_enabled = software_enabled();
  svr_ = value & kSvrWritable;
  if (was_enabled && !software_enabled())
    for (uint32_t& entry : lvt_) entry |= kLvtMasked;
  update();
  update_pic_path();
}

void LocalApic::write_lvt(uint32_t offset, uint32_t value) {
  const unsigned index = lvt_index(offset);
  uint32_t& entry = lvt_[index];
  const uint32_t old = entry;
  uint32_t next = value & kLvtWritable[index];
  if (!software_enabled()) next |= kLvtMasked;  // SDM 10.4.7.2: they stay masked
  // Remote IRR survives the write of a level-triggered LINT entry and ends with edge.
  if ((index == kLint0 || index == kLint1) && (next & kLvtLevel)) next |= old & kLvtRemoteIrr;
  entry = next;

  switch (index) {
    case kTimer: {
      const TimerMode old_mode = timer_mode_of(old), mode = timer_mode_of(next);
      if (mode == old_mode) break;
      if (old_mode == TimerMode::kTscDeadline || mode == TimerMode::kTscDeadline) {
        // Switching into or out of TSC-deadline mode disarms the timer (SDM 10.5.4.1).
        scheduler_.cancel(timer_event_);
        tsc_deadline_ = 0;
        initial_count_ = 0;
        counting_ = false;
      } else {
        // One-shot <-> periodic: the count goes on from where it is under the new mode;
        // an expired one-shot stays stopped.
        rebase(old_mode);
        schedule_count_expiry();
      }
      break;
    }
    case kLint0:
      update_pic_path();
      if (!(next & kLvtMasked) && lvt_mode(next) != ApicDelivery::kExtInt && pic_)
        log::once(log_, fmt::format("apic: LINT0 in delivery mode {} (the 8259's INTR only "
                                    "passes in ExtINT mode): not delivered",
                                    static_cast<unsigned>(lvt_mode(next))));
      break;
    case kLint1:
      lint1_changed(lint1_level_);  // a level input unmasked while high
      break;
    default:
      break;
  }
}

void LocalApic::write_icr(uint32_t value) {
  icr_low_ = value & kIcrWritable;
  const auto mode = static_cast<ApicDelivery>((value >> 8) & 7);
  const auto vector = static_cast<uint8_t>(value);
  const unsigned shorthand = (value >> 18) & 3;
  if (mode == ApicDelivery::kInit && !(value & kIcrLevelAssert) && (value & kIcrLevelTrigger))
    return;  // INIT level de-assert: only synchronises arbitration IDs
  if ((mode == ApicDelivery::kFixed || mode == ApicDelivery::kLowestPriority) && vector < 16) {
    record_error(kEsrSendIllegalVector);
    return;
  }
  bool to_self = false;
  switch (shorthand) {
    case 0:
      to_self = is_destination(static_cast<uint8_t>(icr_high_ >> 24), value & (1u << 11));
      break;
    case 1:
    case 2:
      to_self = true;
      break;  // self; all including self
    default:
      break;  // all excluding self: there is nobody else
  }
  // Messages to other CPUs go out on a bus nobody else listens to; they still complete.
  if (to_self) deliver(mode, vector, false);
}

// ---- MSRs. ----

uint64_t LocalApic::read_apic_base_msr() {
  if (before_access_) before_access_();
  const uint64_t value = apic_base_;
  if (after_access_) after_access_();
  return value;
}

bool LocalApic::write_apic_base_msr(uint64_t value) {
  if (value & ~(kBaseAddressMask | kBaseBsp | kBaseEnable)) return false;
  if (before_access_) before_access_();
  const bool was_enabled = apic_globally_enabled();
  if ((value & kBaseEnable) && !was_enabled)
    log::once(log_, "apic: re-enabling a globally disabled APIC needs a RESET on the P6: ignored");
  // The BSP flag is read-only; the enable bit can only go away.
  apic_base_ =
      (value & kBaseAddressMask) | (apic_base_ & kBaseBsp) | (value & apic_base_ & kBaseEnable);
  if (was_enabled && !apic_globally_enabled()) {
    // Functionally no APIC any more (SDM 10.4.3): software-disabled, timer stopped.
    write_svr(svr_ & ~kSvrEnable);
    scheduler_.cancel(timer_event_);
    counting_ = false;
    initial_count_ = 0;
    tsc_deadline_ = 0;
    extint_pending_ = false;
  }
  update();
  update_pic_path();
  update_mapping();
  if (after_access_) after_access_();
  return true;
}

void LocalApic::update_mapping() {
  std::optional<uint64_t> wanted;
  if (apic_globally_enabled()) wanted = base_address();
  if (mapped_base_ == wanted) return;
  if (mapped_base_) memory_.unmap(*mapped_base_);
  mapped_base_.reset();
  if (!wanted) return;
  try {
    memory_.map_mmio("local-apic", *wanted, kPageBytes, *this);
    mapped_base_ = wanted;
  } catch (const std::invalid_argument& e) {
    log::once(log_, fmt::format("apic: cannot relocate the register page to {:#x} ({}): "
                                "the page is unmapped",
                                *wanted, e.what()));
  }
}

uint64_t LocalApic::read_tsc_deadline_msr() {
  if (before_access_) before_access_();
  const uint64_t value = timer_mode() == TimerMode::kTscDeadline ? tsc_deadline_ : 0;
  if (after_access_) after_access_();
  return value;
}

void LocalApic::write_tsc_deadline_msr(uint64_t deadline, uint64_t tsc_now) {
  if (before_access_) before_access_();
  // Outside TSC-deadline mode the write is ignored (SDM 10.5.4.1).
  if (timer_mode() == TimerMode::kTscDeadline) {
    scheduler_.cancel(timer_event_);
    tsc_deadline_ = deadline;
    if (deadline != 0) {
      if (deadline <= tsc_now) {
        on_timer_event();  // already due: fires now
      } else {
        // The TSC counts virtual nanoseconds (cpu.h), so the distance is in ns.
        timer_event_ = scheduler_.schedule(timer_event_type_, now_ns() + (deadline - tsc_now));
      }
    }
  }
  if (after_access_) after_access_();
}

// ---- Timer (SDM 10.5.4). ----

LocalApic::TimerMode LocalApic::timer_mode_of(uint32_t entry) {
  if (entry & kTimerTscDeadline) return TimerMode::kTscDeadline;
  return (entry & kTimerPeriodic) ? TimerMode::kPeriodic : TimerMode::kOneShot;
}

unsigned LocalApic::divide_shift() const {
  // 000 -> /2, 001 -> /4, 010 -> /8, 011 -> /16, 100 -> /32, ..., 111 -> /1 (bit 2 of
  // the value is register bit 3).
  const unsigned value = (divide_ & 3) | ((divide_ >> 1) & 4);
  return (value + 1) & 7;
}

uint32_t LocalApic::count_at(TimerMode mode, uint64_t now) const {
  if (!counting_) return 0;
  const uint64_t ticks = (now - count_base_ns_) >> divide_shift();
  if (ticks < count_base_) return static_cast<uint32_t>(count_base_ - ticks);
  if (mode != TimerMode::kPeriodic || initial_count_ == 0) return 0;
  // Reached zero and reloaded, perhaps several times since the last event.
  return static_cast<uint32_t>(initial_count_ - (ticks - count_base_) % initial_count_);
}

uint32_t LocalApic::current_count() const {
  if (timer_mode() == TimerMode::kTscDeadline) return 0;
  return count_at(timer_mode(), now_ns());
}

void LocalApic::write_initial_count(uint32_t value) {
  if (timer_mode() == TimerMode::kTscDeadline) return;  // ignored in that mode
  initial_count_ = value;
  counting_ = value != 0;  // writing 0 stops the timer
  count_base_ns_ = now_ns();
  count_base_ = value;
  schedule_count_expiry();
}

void LocalApic::rebase(TimerMode mode) {
  if (!counting_) return;
  const uint64_t now = now_ns();
  count_base_ = count_at(mode, now);
  count_base_ns_ = now;
  counting_ = count_base_ != 0;  // a periodic count is never 0
}

void LocalApic::write_divide(uint32_t value) {
  // The count carries on from its value now, at the new rate.
  rebase(timer_mode());
  divide_ = value & kDivideWritable;
  schedule_count_expiry();
}

void LocalApic::schedule_count_expiry() {
  scheduler_.cancel(timer_event_);
  if (!counting_ || count_base_ == 0 || timer_mode() == TimerMode::kTscDeadline) return;
  const uint64_t expiry = count_base_ns_ + (uint64_t{count_base_} << divide_shift());
  uint64_t when = expiry;
  if (timer_mode() == TimerMode::kPeriodic &&
      (uint64_t{initial_count_} << divide_shift()) < kMinPeriodNs)
    when = std::max(expiry, now_ns() + kMinPeriodNs);
  timer_event_ = scheduler_.schedule(timer_event_type_, when);
}

void LocalApic::on_timer_event() {
  timer_event_ = EventId{};
  const TimerMode mode = timer_mode();
  if (mode == TimerMode::kTscDeadline) {
    if (tsc_deadline_ == 0) return;
    tsc_deadline_ = 0;  // the MSR reads 0 once the deadline has passed
    signal_lvt(kTimer);
    return;
  }
  if (!counting_) return;
  signal_lvt(kTimer);
  if (mode != TimerMode::kPeriodic) return;  // one-shot: stays at 0
  // Re-base on the latest reload at or before now, then wait for the next one.
  const uint64_t now = now_ns();
  const uint64_t period_ns = uint64_t{initial_count_} << divide_shift();
  const uint64_t expiry = count_base_ns_ + (uint64_t{count_base_} << divide_shift());
  if (now >= expiry) {
    count_base_ns_ = expiry + (now - expiry) / period_ns * period_ns;
    count_base_ = initial_count_;
  }
  schedule_count_expiry();
}

}  // namespace trapeze
