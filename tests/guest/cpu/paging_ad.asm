; paging_ad: accessed and dirty bits written by the 32-bit page walk.
;
; Proves: a read through a PTE whose A bit is clear sets A in the PTE and in the PDE and
; leaves D clear; a write sets A and D in the PTE (a PDE that maps a page table has no
; D bit to set); a write to a page first read (so a D=0 translation may be cached) still
; sets D; after software clears A/D and executes INVLPG the next access sets them again;
; an instruction fetch sets A; a write that faults (CPL 3 to a supervisor page) does not
; set D; the processor leaves the other PTE bits (AVL, G, PCD/PWT) alone.
;
; Follows Intel SDM Vol. 3A 4.8 (accessed and dirty flags), 4.10.4.2 (recommended
; invalidation: INVLPG after modifying an entry), 4.3 Tables 4-5/4-6 (PDE/PTE formats);
; AMD APM Vol. 2 5.4.2 and 5.5.3 agree.

%define TEST_NAME "paging_ad"
%include "harness.inc"

PG_R            equ 0x400000    ; read first
PG_W            equ 0x401000    ; written first
PG_RW           equ 0x402000    ; read, then written
PG_X            equ 0x403000    ; code is fetched from it
PG_SUP          equ 0x404000    ; supervisor page written from CPL 3
PG_AVL          equ 0x405000    ; AVL bits set in the PTE
PG_OTHER_PT     equ 0x800000    ; under PDE 2 (its A bit is checked)

A_BIT           equ 0x20
D_BIT           equ 0x40

%define PTE(lin) (PT_BASE + ((lin) >> 12) * 4)
%define PDE(lin) (PD_BASE + ((lin) >> 22) * 4)

%macro PTE_BITS 1               ; EAX = PTE(%1) & (A|D)
        mov eax, [PTE(%1)]
        and eax, A_BIT | D_BIT
%endmacro

test_main:
        call paging_identity_32
        ; every PTE and PDE starts with A=D=0 (paging_identity_32 writes P|RW|US)
        mov byte [PG_X], 0xC3       ; RET at the start of PG_X (identity, paging off)
        and dword [PTE(PG_SUP)], ~4
        or dword [PTE(PG_AVL)], 0xE00 | 0x18    ; AVL bits 9-11, PCD, PWT
        call paging_on

        mov eax, [PG_R + 0x10]
        PTE_BITS PG_R
        CHECK_EQ eax, A_BIT, "a read sets A in the PTE and leaves D clear"
        mov eax, [PDE(PG_R)]
        and eax, A_BIT
        CHECK_EQ eax, A_BIT, "a read sets A in the PDE"

        mov dword [PG_W + 0x10], 1
        PTE_BITS PG_W
        CHECK_EQ eax, A_BIT | D_BIT, "a write sets A and D in the PTE"

        mov eax, [PG_RW + 0x20]
        PTE_BITS PG_RW
        CHECK_EQ eax, A_BIT, "read first: A set, D clear"
        mov dword [PG_RW + 0x20], 2
        PTE_BITS PG_RW
        CHECK_EQ eax, A_BIT | D_BIT, "then a write to the same page sets D"

        and dword [PTE(PG_RW)], ~(A_BIT | D_BIT)
        invlpg [PG_RW]
        mov eax, [PG_RW + 0x20]
        PTE_BITS PG_RW
        CHECK_EQ eax, A_BIT, "after clearing A/D and INVLPG, a read sets A again"
        and dword [PTE(PG_RW)], ~(A_BIT | D_BIT)
        invlpg [PG_RW]
        mov byte [PG_RW + 0x21], 3
        PTE_BITS PG_RW
        CHECK_EQ eax, A_BIT | D_BIT, "after clearing A/D and INVLPG, a byte write sets A and D again"

        mov eax, PG_X
        call eax
        PTE_BITS PG_X
        CHECK_EQ eax, A_BIT, "an instruction fetch sets A (and not D)"

        mov eax, [PG_OTHER_PT]
        mov eax, [PDE(PG_OTHER_PT)]
        and eax, A_BIT | D_BIT
        CHECK_EQ eax, A_BIT, "a read under another page table sets that PDE's A bit"
        mov dword [PG_OTHER_PT + 0x1000], 5
        mov eax, [PDE(PG_OTHER_PT)]
        and eax, D_BIT
        CHECK_EQ eax, 0, "a write through a PDE that maps a page table leaves its bit 6 clear"

        RUN_RING3 r3_write_sup
        CHECK_EXC 14, 7, r3_write_sup.insn, "CPL3 write to a supervisor page -> #PF(P|W|U)"
        mov eax, [PTE(PG_SUP)]
        and eax, D_BIT
        CHECK_EQ eax, 0, "the faulting write did not set D"

        mov dword [PG_AVL + 4], 6
        mov eax, [PTE(PG_AVL)]
        CHECK_EQ eax, PG_AVL | 0xE00 | 0x18 | A_BIT | D_BIT | 7, "a write sets A and D and keeps the AVL, PCD and PWT bits"

        call paging_off
        TEST_END

r3_write_sup:
.insn:  mov dword [PG_SUP + 8], 1
        int VEC_RETURN

HARNESS_END
