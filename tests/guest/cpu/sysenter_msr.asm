; sysenter_msr: SYSENTER/SYSEXIT, MSR access rules and CR4 controls of RDTSC/RDPMC.
;
; Proves: the SYSENTER MSRs (0x174-0x176) and PAT (0x277) keep the values written;
; RDMSR/WRMSR of an MSR that does not exist raise #GP(0); SYSENTER from CPL 3 (when
; CPUID.1:EDX.SEP = 1) loads CS = IA32_SYSENTER_CS, SS = CS+8, ESP/EIP from the MSRs,
; runs at CPL 0 with IF and VM cleared; SYSEXIT returns to CPL 3 with CS = SYSENTER_CS+16
; (RPL 3), SS = SYSENTER_CS+24 (RPL 3), EIP = EDX, ESP = ECX; SYSENTER with
; IA32_SYSENTER_CS = 0 and SYSEXIT at CPL 3 raise #GP(0); RDTSC at CPL 3 raises #GP(0)
; when CR4.TSD = 1 and works when it is 0, and the TSC counts up; RDPMC at CPL 3 raises
; #GP(0) when CR4.PCE = 0; UD2 raises #UD; the multi-byte NOP (0F 1F /0) executes.
;
; Follows Intel SDM Vol. 2 SYSENTER, SYSEXIT, RDMSR, WRMSR, RDTSC, RDPMC, UD2, NOP;
; Vol. 3A 5.8.7 (SYSENTER/SYSEXIT), 2.5 (CR4.TSD, CR4.PCE), 11.12.2 (IA32_PAT reset
; value), Vol. 4 (MSR list).
;
; QEMU TCG (7.2) reads unimplemented MSRs as 0 without #GP (checks 3-4 fail there); so
; does Bochs 2.7 unless its "cpu: ignore_bad_msrs=0" option is set (the runner sets it).

%define TEST_NAME "sysenter_msr"
%include "harness.inc"

SE_CS           equ 0x80    ; 0x80 code0, 0x88 data0, 0x90 code3, 0x98 data3
SE_STACK        equ 0x78000
MSR_SE_CS       equ 0x174
MSR_SE_ESP      equ 0x175
MSR_SE_EIP      equ 0x176
MSR_PAT         equ 0x277
REC             equ SCRATCH + 0x100

%macro WRMSR_ 3                 ; msr, edx, eax
        mov ecx, %1
        mov edx, %2
        mov eax, %3
        wrmsr
%endmacro

test_main:
        SET_DESC SE_CS,        0, 0xFFFFF, 0x9A, FLG_32
        SET_DESC SE_CS + 8,    0, 0xFFFFF, 0x92, FLG_32
        SET_DESC SE_CS + 16,   0, 0xFFFFF, 0xFA, FLG_32
        SET_DESC SE_CS + 24,   0, 0xFFFFF, 0xF2, FLG_32

        ; --- MSRs keep their values; unknown MSRs fault
        mov eax, 1
        cpuid
        mov [REC + 60], edx
        test edx, 1 << 16                       ; PAT
        jz .no_pat
        WRMSR_ MSR_PAT, 0x00050406, 0x00070106
        mov ecx, MSR_PAT
        rdmsr
        CHECK_EQ eax, 0x00070106, "IA32_PAT keeps the value written (low dword)"
        CHECK_EQ edx, 0x00050406, "IA32_PAT keeps the value written (high dword)"
        WRMSR_ MSR_PAT, 0x00070406, 0x00070406  ; back to the reset value
        jmp .pat_done
.no_pat:
        SKIP "IA32_PAT (CPUID.1:EDX.PAT = 0)"
        SKIP "IA32_PAT high dword"
.pat_done:
        TRY
        mov ecx, 0x00001FFF                     ; a gap in the architectural MSR space
.rd:    rdmsr
        CATCH
        CHECK_EXC 13, 0, .rd, "RDMSR of a nonexistent MSR (0x1FFF) -> #GP(0)"
        TRY
        mov ecx, 0x00001FFF
        xor eax, eax
        xor edx, edx
.wr:    wrmsr
        CATCH
        CHECK_EXC 13, 0, .wr, "WRMSR of a nonexistent MSR (0x1FFF) -> #GP(0)"

        ; --- SYSENTER / SYSEXIT
        test dword [REC + 60], 1 << 11          ; SEP
        jz .no_sep
        WRMSR_ MSR_SE_CS, 0, SE_CS
        WRMSR_ MSR_SE_ESP, 0, SE_STACK
        WRMSR_ MSR_SE_EIP, 0, sysenter_entry
        mov ecx, MSR_SE_EIP
        rdmsr
        CHECK_EQ eax, sysenter_entry, "IA32_SYSENTER_EIP keeps the value written"
        RUN_RING3 r3_sysenter, EFL_IF | 2
        CHECK_RETURNED "CPL3 SYSENTER to CPL0 and SYSEXIT back to CPL3"
        CHECK_EQ [REC + 0], SE_CS, "SYSENTER: CS = IA32_SYSENTER_CS"
        CHECK_EQ [REC + 4], SE_CS + 8, "SYSENTER: SS = IA32_SYSENTER_CS + 8"
        CHECK_EQ [REC + 8], SE_STACK, "SYSENTER: ESP = IA32_SYSENTER_ESP"
        CHECK_EQ [REC + 12], 0, "SYSENTER: IF cleared"
        CHECK_EQ [REC + 16], SE_CS + 16 + 3, "SYSEXIT: CS = IA32_SYSENTER_CS + 16, RPL 3"
        CHECK_EQ [REC + 20], SE_CS + 24 + 3, "SYSEXIT: SS = IA32_SYSENTER_CS + 24, RPL 3"
        CHECK_EQ [REC + 24], USER_STACK_TOP - 0x100, "SYSEXIT: ESP = ECX"
        RUN_RING3 r3_sysexit
        CHECK_EXC 13, 0, r3_sysexit.insn, "SYSEXIT at CPL3 -> #GP(0)"
        WRMSR_ MSR_SE_CS, 0, 0
        RUN_RING3 r3_sysenter
        CHECK_EXC 13, 0, r3_sysenter.insn, "SYSENTER with IA32_SYSENTER_CS = 0 -> #GP(0)"
        jmp .sep_done
.no_sep:
        SKIP "SYSENTER/SYSEXIT (CPUID.1:EDX.SEP = 0)"
.sep_done:

        ; --- RDTSC / RDPMC at CPL 3
        RUN_RING3 r3_rdtsc
        CHECK_RETURNED "CPL3 RDTSC with CR4.TSD=0 works"
        mov eax, [REC + 40]                     ; second - first, 64-bit, must be > 0
        mov edx, [REC + 44]
        sub eax, [REC + 32]
        sbb edx, [REC + 36]
        mov ebx, 0
        jc .tsc_checked
        or eax, edx
        setnz bl
.tsc_checked:
        mov eax, ebx
        CHECK_EQ eax, 1, "the TSC moves between two RDTSCs"
        mov eax, cr4
        or eax, 1 << 2                          ; TSD
        mov cr4, eax
        RUN_RING3 r3_rdtsc
        mov eax, cr4
        and eax, ~(1 << 2)
        mov cr4, eax
        CHECK_EXC 13, 0, r3_rdtsc.insn, "CPL3 RDTSC with CR4.TSD=1 -> #GP(0)"
        RUN_RING3 r3_rdpmc
        CHECK_EXC 13, 0, r3_rdpmc.insn, "CPL3 RDPMC with CR4.PCE=0 -> #GP(0)"

        ; --- UD2, multi-byte NOP
        TRY
.ud:    ud2
        CATCH
        CHECK_EXC 6, 0, .ud, "UD2 -> #UD"
        TRY
        db 0x0F, 0x1F, 0x00                     ; nop dword [eax]
        db 0x0F, 0x1F, 0x44, 0x00, 0x00         ; nop dword [eax+eax*1+0]
        db 0x66, 0x0F, 0x1F, 0x84, 0, 0, 0, 0, 0
        CATCH
        CHECK_NOEXC "multi-byte NOPs (0F 1F /0) execute"

        TEST_END

; CPL-0 side of SYSENTER: record, SYSEXIT to the ring-3 continuation
sysenter_entry:
        xor eax, eax
        mov ax, cs
        mov [REC + 0], eax
        mov ax, ss
        mov [REC + 4], eax
        mov [REC + 8], esp
        pushfd
        pop eax
        and eax, EFL_IF | EFL_VM
        mov [REC + 12], eax
        mov edx, r3_after_sysexit
        mov ecx, USER_STACK_TOP - 0x100
        sysexit

r3_sysenter:
.insn:  sysenter
r3_after_sysexit:
        xor eax, eax
        mov ax, cs
        mov [ss:REC + 16], eax
        mov ax, ss
        mov [ss:REC + 20], eax
        mov [ss:REC + 24], esp
        int VEC_RETURN
r3_sysexit:
.insn:  sysexit
r3_rdtsc:
.insn:  rdtsc
        mov [ss:REC + 32], eax
        mov [ss:REC + 36], edx
        mov ecx, 1000
.spin:  loop .spin
        rdtsc
        mov [ss:REC + 40], eax
        mov [ss:REC + 44], edx
        int VEC_RETURN
r3_rdpmc:
        xor ecx, ecx
.insn:  rdpmc
        int VEC_RETURN

HARNESS_END
