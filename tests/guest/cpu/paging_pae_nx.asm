; paging_pae_nx: PAE paging (3-level, 64-bit entries) and execute-disable via EFER.NXE.
;
; Proves (PAE when CPUID.1:EDX.PAE = 1, NX when CPUID.80000001H:EDX.NX = 1; absent
; features are reported as skipped, but a feature CPUID reports must work): with
; CR4.PAE=1 and CR3 pointing to a 4-entry PDPT, linear addresses go through the PDPTE,
; a PDE (2 MiB page with PS=1, or a page table) and 64-bit PTEs; A/D bits are set in the
; 64-bit entries; a PTE with a reserved physical-address bit (bit MAXPHYADDR) set gives
; #PF(P|RSVD) and so does bit 63 while EFER.NXE=0; with EFER.NXE=1, bit 63 (XD) in a PTE
; or in a 2 MiB PDE forbids instruction fetches (#PF with P|I/D, plus U at CPL 3, CR2 =
; the target) while data reads of the page still work; with NXE=1 a fetch from a
; not-present page reports I/D=1 and a data access I/D=0.
;
; Follows Intel SDM Vol. 3A 4.4 (PAE paging, Tables 4-7 to 4-11: PDPTE, PDE for 2 MByte
; pages and page tables, PTE formats, reserved bits), 4.6 (access rights, execute
; disable), 4.7 (#PF error code, I/D and RSVD), 4.1.4 (CPUID PAE, NX and MAXPHYADDR),
; 2.2.1 (IA32_EFER.NXE); AMD APM Vol. 2 5.3 and 5.6 agree.
;
; QEMU TCG (7.2) reports reserved-bit faults with P=0 (error 0x8, checks 6 and 8 fail);
; Bochs 2.7 sets P, as the SDM says (reserved bits are only checked in present entries).
; QEMU's default CPU (qemu32) has no NX: run it with -cpu max to exercise those checks.

%define TEST_NAME "paging_pae_nx"
%include "harness.inc"

PDPT            equ 0x110000    ; 4 x 8 bytes (32-byte aligned)
PD0             equ 0x111000    ; PD for 0-1 GiB
PT2             equ 0x112000    ; page table for 4-6 MiB (PDE 2)
EFER_MSR        equ 0xC0000080
EFER_NXE        equ 1 << 11

LIN_4K          equ 0x400000    ; PT2[0]: -> HIGH_FREE + 0x10000
LIN_RSVD        equ 0x401000    ; PT2[1]: reserved bit MAXPHYADDR set
LIN_XD63        equ 0x402000    ; PT2[2]: bit 63 set (reserved while NXE=0, XD with NXE=1)
LIN_NP          equ 0x403000    ; PT2[3]: not present
LIN_2M          equ 0x600000    ; PDE 3: 2 MiB page -> physical 0xC00000
LIN_2M_XD       equ 0x800000    ; PDE 4: 2 MiB page with XD -> physical 0x800000
CODE_PHYS       equ HIGH_FREE + 0x20000     ; LIN_XD63 maps here: holds a RET
DATA_PHYS       equ HIGH_FREE + 0x10000

%define PTE64(lin) (PT2 + (((lin) - 0x400000) >> 12) * 8)

test_main:
        mov eax, 1
        cpuid
        test edx, 1 << 6
        jnz .have_pae
        SKIP "PAE paging (CPUID.1:EDX.PAE = 0): every check"
        TEST_END
.have_pae:
        ; MAXPHYADDR: CPUID.80000008H:EAX[7:0] when available, else 36
        mov dword [maxphy], 36
        mov eax, 0x80000000
        cpuid
        mov [maxext], eax
        cmp eax, 0x80000008
        jb .phy_done
        mov eax, 0x80000008
        cpuid
        movzx eax, al
        mov [maxphy], eax
.phy_done:
        ; structures
        mov edi, PDPT
        mov ecx, (0x3000) / 4
        xor eax, eax
        rep stosd
        mov dword [PDPT], PD0 | 1
        mov dword [PDPT + 8], 0         ; the other three PDPTEs not present
        ; PD0: 2 MiB identity pages for 0-32 MiB, then overrides
        xor ecx, ecx
.pd:    mov eax, ecx
        shl eax, 21
        or eax, 0x87                    ; PS | US | RW | P
        mov [PD0 + ecx * 8], eax
        mov dword [PD0 + ecx * 8 + 4], 0
        inc ecx
        cmp ecx, 16
        jb .pd
        mov dword [PD0 + 2 * 8], PT2 | 7
        mov dword [PD0 + 3 * 8], 0xC00000 | 0x87
        mov dword [PD0 + 4 * 8], 0x800000 | 0x87
        mov dword [PD0 + 4 * 8 + 4], 0x80000000      ; XD
        ; PT2: identity by default, then the test pages
        xor ecx, ecx
.pt:    mov eax, ecx
        shl eax, 12
        add eax, 0x400000 | 7
        mov [PT2 + ecx * 8], eax
        inc ecx
        cmp ecx, 512
        jb .pt
        mov dword [PTE64(LIN_4K)], DATA_PHYS | 7
        mov dword [PTE64(LIN_RSVD)], DATA_PHYS | 7
        mov ecx, [maxphy]
        sub ecx, 32
        mov eax, 1
        shl eax, cl
        mov [PTE64(LIN_RSVD) + 4], eax
        mov dword [PTE64(LIN_XD63)], CODE_PHYS | 7
        mov dword [PTE64(LIN_XD63) + 4], 0x80000000
        mov dword [PTE64(LIN_NP)], 0
        mov byte [CODE_PHYS], 0xC3              ; RET
        mov dword [CODE_PHYS + 0x100], 0xC0DEDA7A
        mov dword [0x800000], 0xC3              ; RET at the start of LIN_2M_XD
        mov dword [0xC00000 + 0x1234], 0x2B16B00C
        mov dword [DATA_PHYS + 0x40], 0x4B4B4B4B

        mov eax, PDPT
        mov cr3, eax
        mov eax, cr4
        or eax, 1 << 5                  ; PAE
        mov cr4, eax
        mov eax, cr0
        or eax, 0x80000000
        mov cr0, eax

        ; --- translation through PDPTE, PDE, PTE and 2 MiB pages
        mov eax, [LIN_4K + 0x40]
        CHECK_EQ eax, 0x4B4B4B4B, "PAE 4 KiB page: linear 0x400040 reads physical DATA_PHYS+0x40"
        mov eax, [LIN_2M + 0x1234]
        CHECK_EQ eax, 0x2B16B00C, "PAE 2 MiB page: linear 0x601234 reads physical 0xC01234"
        mov dword [LIN_4K + 0x44], 1
        mov eax, [PTE64(LIN_4K)]
        and eax, 0x60
        CHECK_EQ eax, 0x60, "PAE: a write sets A and D in the 64-bit PTE"
        mov eax, [PD0 + 2 * 8]
        and eax, 0x20
        CHECK_EQ eax, 0x20, "PAE: the walk sets A in the 64-bit PDE"
        mov eax, [PD0 + 3 * 8]
        and eax, 0x20
        CHECK_EQ eax, 0x20, "PAE: a read through a 2 MiB page sets A in its PDE"

        ; --- reserved bits (NXE=0)
        TRY
.r1:    mov eax, [LIN_RSVD + 8]
        CATCH
        CHECK_EXC 14, 9, .r1, "PAE: PTE with bit MAXPHYADDR set -> #PF(P|RSVD)"
        CHECK_EQ [exc_cr2], LIN_RSVD + 8, "  ...with CR2 = the address"
        TRY
.r2:    mov eax, [LIN_XD63 + 0x100]
        CATCH
        CHECK_EXC 14, 9, .r2, "PAE with EFER.NXE=0: PTE bit 63 is reserved -> #PF(P|RSVD)"
        TRY
.nf:    mov eax, [LIN_NP]
        CATCH
        CHECK_EXC 14, 0, .nf, "PAE: a read of a not-present page -> #PF(0)"

        ; --- NX
        cmp dword [maxext], 0x80000001
        jb .no_nx
        mov eax, 0x80000001
        cpuid
        test edx, 1 << 20
        jz .no_nx
        mov ecx, EFER_MSR
        rdmsr
        or eax, EFER_NXE
        wrmsr
        rdmsr
        and eax, EFER_NXE
        CHECK_EQ eax, EFER_NXE, "EFER.NXE can be set when CPUID reports NX"
        invlpg [LIN_XD63]
        mov eax, [LIN_XD63 + 0x100]
        CHECK_EQ eax, 0xC0DEDA7A, "NXE=1: data reads of an XD page work"
        mov ebx, LIN_XD63
        TRY
        call ebx
        CATCH
        CHECK_EXC 14, 0x11, LIN_XD63, "NXE=1: CPL0 fetch from an XD page -> #PF(P|I/D) at the target"
        CHECK_EQ [exc_cr2], LIN_XD63, "  ...with CR2 = the target"
        RUN_RING3 r3_fetch_xd
        CHECK_EXC 14, 0x15, LIN_XD63, "NXE=1: CPL3 fetch from an XD page -> #PF(P|U|I/D)"
        mov ebx, LIN_2M_XD
        TRY
        call ebx
        CATCH
        CHECK_EXC 14, 0x11, LIN_2M_XD, "NXE=1: fetch from a 2 MiB page with XD in its PDE -> #PF(P|I/D)"
        mov ebx, LIN_NP + 0x10
        TRY
        call ebx
        CATCH
        CHECK_EXC 14, 0x10, LIN_NP + 0x10, "NXE=1: fetch from a not-present page -> #PF(I/D)"
        TRY
.nd:    mov eax, [LIN_NP + 0x10]
        CATCH
        CHECK_EXC 14, 0, .nd, "NXE=1: data read of a not-present page -> #PF(0), I/D clear"
        and dword [PTE64(LIN_XD63) + 4], 0x7FFFFFFF
        invlpg [LIN_XD63]
        mov ebx, LIN_XD63
        TRY
        call ebx
        CATCH
        CHECK_NOEXC "NXE=1: clearing XD (and INVLPG) makes the page executable"
        mov ecx, EFER_MSR
        rdmsr
        and eax, ~EFER_NXE
        wrmsr
        jmp .nx_done
.no_nx:
        SKIP "NX (CPUID.80000001H:EDX.NX = 0): EFER.NXE"
        SKIP "NX: data reads of an XD page"
        SKIP "NX: CPL0 fetch from an XD page"
        SKIP "NX: CR2"
        SKIP "NX: CPL3 fetch from an XD page"
        SKIP "NX: 2 MiB page with XD"
        SKIP "NX: fetch from a not-present page sets I/D"
        SKIP "NX: data read of a not-present page"
        SKIP "NX: clearing XD"
.nx_done:

        mov eax, cr0
        and eax, 0x7FFFFFFF
        mov cr0, eax
        mov eax, cr4
        and eax, ~(1 << 5)
        mov cr4, eax
        TEST_END

r3_fetch_xd:
        mov ebx, LIN_XD63
        call ebx
        int VEC_RETURN

maxphy          equ SCRATCH + 0x100
maxext          equ SCRATCH + 0x104

HARNESS_END
