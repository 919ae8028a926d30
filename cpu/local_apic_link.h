// What the CPU core needs from its local APIC, without depending on devices/: the two
// MSRs that live in the APIC (Intel SDM vol. 3, 10.4.4 "Local APIC Status and Location"
// and 10.5.4.1 "TSC-Deadline Mode") and what CPUID leaf 1 reports about it.
//
// A CPU without a link (unit tests, boards without an APIC) keeps IA32_APIC_BASE as a
// plain MSR, answers #GP for IA32_TSC_DEADLINE and reports no APIC in CPUID.
#pragma once

#include <cstdint>

namespace trapeze {

class LocalApicLink {
 public:
  virtual ~LocalApicLink() = default;

  // IA32_APIC_BASE (MSR 0x1B). A write returns false when the value sets reserved bits
  // (WRMSR then raises #GP(0)).
  virtual uint64_t read_apic_base_msr() = 0;
  virtual bool write_apic_base_msr(uint64_t value) = 0;

  // IA32_TSC_DEADLINE (MSR 0x6E0), in TSC ticks. `tsc_now` is the TSC at the access: the
  // APIC arms its timer for the difference, so the TSC offset (WRMSR 0x10) never has to
  // be known outside the CPU.
  virtual uint64_t read_tsc_deadline_msr() = 0;
  virtual void write_tsc_deadline_msr(uint64_t deadline, uint64_t tsc_now) = 0;

  // CPUID leaf 1: EDX bit 9 (APIC) follows IA32_APIC_BASE's global enable bit, as on
  // hardware; EBX[31:24] is the initial APIC ID.
  virtual bool apic_globally_enabled() const = 0;
  virtual uint8_t initial_apic_id() const = 0;
};

}  // namespace trapeze
