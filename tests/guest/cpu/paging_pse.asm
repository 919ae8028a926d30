; paging_pse: 4 MiB pages (CR4.PSE) under 32-bit paging.
;
; Proves (when CPUID.1:EDX.PSE = 1; otherwise the checks are reported as skipped): with
; CR4.PSE=1 a PDE with PS=1 maps a 4 MiB page at its bits 31:22, every offset of the
; 4 MiB lands at base + offset (first and last dword), A and D are set in that PDE, its
; U/S and R/W bits protect the whole page (#PF with the right error code), and a 4 MiB
; page can sit next to 4 KiB pages; with CR4.PSE=0 the PS bit is ignored and the same
; PDE is used as a pointer to a page table.
;
; Follows Intel SDM Vol. 3A 4.3 (32-bit paging, Table 4-4 PDE that maps a 4-MByte page,
; CR4.PSE), 4.1.4 (CPUID PSE), 4.8 (A/D), 4.7 (#PF error code).

%define TEST_NAME "paging_pse"
%include "harness.inc"

BIG_LIN         equ 0x1000000   ; PDE 4: a 4 MiB page ...
BIG_PHYS        equ 0x400000    ; ... mapping physical 4-8 MiB (identity-mapped too)
SUP_LIN         equ 0x1400000   ; PDE 5: a supervisor read-only 4 MiB page -> phys 8 MiB
PT_IN_PAGE_PHYS equ 0x600000    ; with PSE=0, PDE 4 is read as a page table at BIG_PHYS

%define PDE(lin) (PD_BASE + ((lin) >> 22) * 4)

test_main:
        mov eax, 1
        cpuid
        test edx, 1 << 3
        jnz .have_pse
        SKIP "4 MiB page mapping (CPUID.1:EDX.PSE = 0)"
        SKIP "4 MiB page: last dword"
        SKIP "4 MiB page: A and D in the PDE"
        SKIP "4 MiB page: U/S protection"
        SKIP "4 MiB page: R/W protection with WP"
        SKIP "CR4.PSE=0 ignores PS"
        TEST_END
.have_pse:
        call paging_identity_32
        mov dword [PDE(BIG_LIN)], BIG_PHYS | 0x87      ; PS | US | RW | P
        mov dword [PDE(SUP_LIN)], 0x800000 | 0x81      ; PS | P (supervisor, read-only)
        ; a page table at BIG_PHYS for the PSE=0 interpretation: entry 0 -> PT_IN_PAGE_PHYS
        mov dword [BIG_PHYS], PT_IN_PAGE_PHYS | 7
        mov dword [BIG_PHYS + 4], 0
        mov dword [PT_IN_PAGE_PHYS + 0x10], 0x0DDBA11
        mov dword [BIG_PHYS + 0x3FFFFC], 0
        mov eax, cr4
        or eax, 1 << 4
        mov cr4, eax
        call paging_on

        mov eax, [BIG_LIN + 0x10]           ; = dword at BIG_PHYS + 0x10
        mov dword [BIG_LIN + 0x123456], 0x5EB1C0DE
        mov dword [BIG_LIN + 0x3FFFFC], 0x1A57D00D
        call paging_off
        CHECK_EQ [BIG_PHYS + 0x123456], 0x5EB1C0DE, "a 4 MiB page maps linear base+offset to its physical base+offset"
        CHECK_EQ [BIG_PHYS + 0x3FFFFC], 0x1A57D00D, "the last dword of the 4 MiB page lands at physical base+0x3FFFFC"
        mov eax, [PDE(BIG_LIN)]
        and eax, 0x60
        CHECK_EQ eax, 0x60, "a write through a 4 MiB page sets A and D in its PDE"
        call paging_on

        RUN_RING3 r3_read_sup
        CHECK_EXC 14, 5, r3_read_sup.insn, "CPL3 read of a supervisor 4 MiB page -> #PF(P|U)"
        CHECK_EQ [exc_cr2], SUP_LIN + 0x2345, "  ...with CR2 inside the 4 MiB page"
        mov eax, cr0
        or eax, 1 << 16
        mov cr0, eax
        TRY
.w:     mov dword [SUP_LIN + 0x3FF000], 1
        CATCH
        CHECK_EXC 14, 3, .w, "CPL0 write (WP=1) of a read-only 4 MiB page -> #PF(P|W)"
        mov eax, cr0
        and eax, ~(1 << 16)
        mov cr0, eax

        ; PSE off: PDE 4 becomes a page-table pointer (to BIG_PHYS)
        mov eax, cr4
        and eax, ~(1 << 4)
        mov cr4, eax
        mov eax, cr3
        mov cr3, eax
        mov eax, [BIG_LIN + 0x10]
        CHECK_EQ eax, 0x0DDBA11, "with CR4.PSE=0 the PS bit is ignored: the PDE points to a page table"

        call paging_off
        TEST_END

r3_read_sup:
.insn:  mov eax, [SUP_LIN + 0x2345]
        int VEC_RETURN

HARNESS_END
