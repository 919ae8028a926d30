; paging_pf: page faults under 32-bit paging: every error-code bit, CR2, precision, WP.
;
; Proves: a #PF pushes an error code whose P bit tells a protection violation (1) from a
; not-present page or page table (0), W/R the access kind, U/S a CPL-3 access, RSVD a
; reserved bit set in a paging entry (a 4 MiB PDE with bit 21 set, with P=1), and I/D
; stays 0 without EFER.NXE; CR2 holds the faulting linear address (the first byte in the
; faulting page for an access split across pages); user/supervisor and read/write
; rights combine the PDE and PTE (the more restrictive wins); CPL 0 may write read-only
; pages while CR0.WP=0 but not with WP=1; a faulting store changes nothing and the
; instruction restarts once the handler makes the page present (instruction fetches
; fault with the target EIP).
;
; Follows Intel SDM Vol. 3A 4.3 (32-bit paging), 4.6 (access rights, CR0.WP), 4.7
; (page-fault exceptions, error code Figure 4-12), 6.15 (#PF interrupt 14, CR2);
; AMD APM Vol. 2 5.3 and 8.4.2 agree.
;
; QEMU TCG (7.2) reports a reserved-bit fault in a 4 MiB PDE with P=0 (error 0x8 instead
; of 0x9); Bochs 2.7 sets P as the SDM says (the entry was present).

%define TEST_NAME "paging_pf"
%include "harness.inc"

PG_NP           equ 0x400000    ; PTE not present
PG_RO           equ 0x401000    ; present, read-only, user
PG_SUP          equ 0x402000    ; present, writable, supervisor
PG_RW           equ 0x403000    ; present, writable, user
PG_NP2          equ 0x404000    ; not present (follows PG_RW)
PG_FIX          equ 0x405000    ; not present until the #PF handler fixes it
PDE_NP_AREA     equ 0x2000000   ; PDE 8: not present
PDE_SUP_AREA    equ 0x800000    ; PDE 2: U/S=0 over user PTEs
PDE_RO_AREA     equ 0xC00000    ; PDE 3: R/W=0 over writable PTEs
PDE_RSVD_AREA   equ 0x1000000   ; PDE 4: 4 MiB page with reserved bit 21 set

%define PTE(lin) (PT_BASE + ((lin) >> 12) * 4)
%define PDE(lin) (PD_BASE + ((lin) >> 22) * 4)

; CASE0 {instruction}, vector, error, cr2, "what": at CPL 0 (cr2 ANY: not checked)
%macro CASE0 5
        TRY
%%insn: %1
        CATCH
%if %2 == NONE
        CHECK_NOEXC %5
%else
        CHECK_EXC %2, %3, %%insn, %5
  %if %4 != ANY
        CHECK_EQ [exc_cr2], %4, "  ...and CR2 holds the faulting address"
  %endif
%endif
%endmacro

; CASE3 {instruction}, vector, error, cr2, "what": the same at CPL 3
%macro CASE3 5
        jmp %%over
%%code:
%%insn: %1
        int VEC_RETURN
%%over:
        RUN_RING3 %%code
%if %2 == NONE
        CHECK_RETURNED %5
%else
        CHECK_EXC %2, %3, %%insn, %5
  %if %4 != ANY
        CHECK_EQ [exc_cr2], %4, "  ...and CR2 holds the faulting address"
  %endif
%endif
%endmacro

%macro FLUSH_TLB 0
        mov eax, cr3
        mov cr3, eax
%endmacro

test_main:
        call paging_identity_32
        and dword [PTE(PG_NP)], ~1
        and dword [PTE(PG_RO)], ~2
        and dword [PTE(PG_SUP)], ~4
        and dword [PTE(PG_NP2)], ~1
        and dword [PTE(PG_FIX)], ~1
        and dword [PDE(PDE_SUP_AREA)], ~4
        and dword [PDE(PDE_RO_AREA)], ~2
        mov dword [PG_RO], 0x0B0B0B0B       ; (paging is still off)
        call paging_on

        ; --- not present: P=0, W/R and U/S from the access
        CASE0 {mov eax, [PG_NP + 0x123]}, 14, 0, PG_NP + 0x123, "CPL0 read of a not-present page -> #PF(0)"
        CASE0 {mov dword [PG_NP + 0x124], 1}, 14, 2, PG_NP + 0x124, "CPL0 write of a not-present page -> #PF(W)"
        CASE3 {mov eax, [PG_NP + 0x125]}, 14, 4, PG_NP + 0x125, "CPL3 read of a not-present page -> #PF(U)"
        CASE3 {mov byte [PG_NP + 0x126], 1}, 14, 6, PG_NP + 0x126, "CPL3 write of a not-present page -> #PF(U|W)"
        CASE0 {mov eax, [PDE_NP_AREA + 0x10]}, 14, 0, PDE_NP_AREA + 0x10, "CPL0 read under a not-present PDE -> #PF(0)"
        CASE3 {mov [PDE_NP_AREA + 0x14], eax}, 14, 6, PDE_NP_AREA + 0x14, "CPL3 write under a not-present PDE -> #PF(U|W)"

        ; --- protection: P=1
        CASE3 {mov eax, [PG_SUP + 0x10]}, 14, 5, PG_SUP + 0x10, "CPL3 read of a supervisor page -> #PF(P|U)"
        CASE3 {mov [PG_SUP + 0x10], eax}, 14, 7, PG_SUP + 0x10, "CPL3 write of a supervisor page -> #PF(P|U|W)"
        CASE3 {mov eax, [PG_RO + 0x10]}, NONE, 0, 0, "CPL3 read of a read-only user page is allowed"
        CASE3 {mov dword [PG_RO], 0x33333333}, 14, 7, PG_RO, "CPL3 write of a read-only page -> #PF(P|U|W)"
        CHECK_EQ [PG_RO], 0x0B0B0B0B, "the faulting store changed nothing"
        CASE0 {mov eax, [PG_SUP + 0x10]}, NONE, 0, 0, "CPL0 read of a supervisor page is allowed"
        CASE0 {mov dword [PG_RO + 4], 0x44444444}, NONE, 0, 0, "CPL0 write of a read-only page with CR0.WP=0 is allowed"
        CHECK_EQ [PG_RO + 4], 0x44444444, "  ...and the value is stored"
        mov eax, cr0
        or eax, 1 << 16             ; WP
        mov cr0, eax
        CASE0 {mov dword [PG_RO + 8], 0x55555555}, 14, 3, PG_RO + 8, "CPL0 write of a read-only page with CR0.WP=1 -> #PF(P|W)"
        CASE0 {mov eax, [PG_RO + 8]}, NONE, 0, 0, "CPL0 read of a read-only page with CR0.WP=1 is allowed"
        CASE0 {mov dword [PDE_RO_AREA + 8], 1}, 14, 3, PDE_RO_AREA + 8, "CR0.WP=1: R/W=0 in the PDE protects a writable PTE"
        mov eax, cr0
        and eax, ~(1 << 16)
        mov cr0, eax
        CASE0 {mov dword [PDE_RO_AREA + 8], 1}, NONE, 0, 0, "CR0.WP=0: CPL0 write under a read-only PDE is allowed"

        ; --- PDE and PTE rights combine
        CASE3 {mov eax, [PDE_SUP_AREA + 0x20]}, 14, 5, PDE_SUP_AREA + 0x20, "CPL3 read: U/S=0 in the PDE over a U/S=1 PTE -> #PF(P|U)"
        CASE3 {mov [PDE_RO_AREA + 0x20], eax}, 14, 7, PDE_RO_AREA + 0x20, "CPL3 write: R/W=0 in the PDE over a R/W=1 PTE -> #PF(P|U|W)"
        CASE3 {mov eax, [PDE_RO_AREA + 0x20]}, NONE, 0, 0, "CPL3 read under a read-only user PDE is allowed"

        ; --- an access split across a page boundary faults on the second page
        CASE0 {mov eax, [PG_RW + 0xFFE]}, 14, 0, PG_NP2, "CPL0 dword read across into a not-present page -> #PF(0)"
        mov dword [PG_RW + 0xFFC], 0x66666666
        CASE3 {mov dword [PG_RW + 0xFFE], 0x77777777}, 14, 6, PG_NP2, "CPL3 dword write across into a not-present page -> #PF(U|W)"
        CHECK_EQ [PG_RW + 0xFFC], 0x66666666, "the split faulting store changed nothing in the first page"

        ; --- instruction fetch from a not-present page: EIP = target, I/D = 0 without NXE
        mov ebx, PG_NP + 0x40
        TRY
        call ebx
        CATCH
        CHECK_EXC 14, 0, PG_NP + 0x40, "CPL0 CALL to a not-present page -> #PF(0) with EIP = the target"
        CHECK_EQ [exc_cr2], PG_NP + 0x40, "  ...and CR2 = the target"
        RUN_RING3 r3_jmp_np
        CHECK_EXC 14, 4, PG_NP + 0x44, "CPL3 JMP to a not-present page -> #PF(U) with EIP = the target"
        CHECK_EQ [exc_cr2], PG_NP + 0x44, "  ...and CR2 = the target"
        RUN_RING3 r3_jmp_sup
        CHECK_EXC 14, 5, PG_SUP + 0x10, "CPL3 JMP into a supervisor page -> #PF(P|U) with EIP = the target"
        CHECK_EQ [exc_cr2], PG_SUP + 0x10, "  ...and CR2 = the target"

        ; --- RSVD: a 4 MiB PDE with reserved bit 21 set (needs CR4.PSE)
        mov eax, 1
        cpuid
        test edx, 1 << 3
        jz .no_pse
        mov dword [PDE(PDE_RSVD_AREA)], PDE_RSVD_AREA | (1 << 21) | 0x87
        mov eax, cr4
        or eax, 1 << 4              ; PSE
        mov cr4, eax
        FLUSH_TLB
        CASE0 {mov eax, [PDE_RSVD_AREA + 0x30]}, 14, 9, PDE_RSVD_AREA + 0x30, "CPL0 read through a PDE with a reserved bit -> #PF(P|RSVD)"
        CASE3 {mov [PDE_RSVD_AREA + 0x34], eax}, 14, 0xF, PDE_RSVD_AREA + 0x34, "CPL3 write through a PDE with a reserved bit -> #PF(P|W|U|RSVD)"
        mov dword [PDE(PDE_RSVD_AREA)], PDE_RSVD_AREA | 0x87
        FLUSH_TLB
        CASE0 {mov eax, [PDE_RSVD_AREA + 0x30]}, NONE, 0, 0, "the same 4 MiB PDE without the reserved bit works"
        mov eax, cr4
        and eax, ~(1 << 4)
        mov cr4, eax
        jmp .pse_done
.no_pse:
        SKIP "RSVD via a 4 MiB PDE (CPUID.1:EDX.PSE = 0)"
        SKIP "RSVD via a 4 MiB PDE at CPL3"
        SKIP "4 MiB PDE without the reserved bit"
.pse_done:

        ; --- a restartable fault: the handler maps the page and IRETs
        SET_IDT_GATE 14, pf_fix_handler, CODE_SEL, 0x8E
        mov dword [fix_count], 0
        mov dword [PTE(PG_FIX)], HIGH_FREE | 6     ; not present; will map HIGH_FREE
        mov dword [HIGH_FREE + 0x80], 0x12345678   ; (identity-mapped too)
        mov esi, PG_FIX + 0x80
        mov eax, [esi]              ; faults once, restarts, loads
        SET_IDT_GATE 14, harness_stubs + 14 * 16, CODE_SEL, 0x8E
        CHECK_EQ eax, 0x12345678, "after the #PF handler maps the page the load restarts and completes"
        CHECK_EQ [fix_count], 1, "  ...with exactly one page fault"
        CHECK_EQ [fix_cr2], PG_FIX + 0x80, "  ...whose CR2 was the load address"

        call paging_off
        TEST_END

r3_jmp_np:
        mov ebx, PG_NP + 0x44
        jmp ebx
r3_jmp_sup:
        mov ebx, PG_SUP + 0x10
        jmp ebx

fix_count:      equ SCRATCH + 0x100
fix_cr2:        equ SCRATCH + 0x104

; #PF handler: map CR2's page present and restart the instruction
pf_fix_handler:
        push eax
        inc dword [fix_count]
        mov eax, cr2
        mov [fix_cr2], eax
        or dword [PTE(PG_FIX)], 1
        invlpg [eax]
        pop eax
        add esp, 4                  ; error code
        iretd

HARNESS_END
