; x87: the FPU from a guest's point of view, in 32-bit protected mode.
;
; Proves: FNINIT gives control word 037F and an empty stack; exactly rounded results
; (sqrt(2), 1/3 to double, 1/3 to single under precision control 24, pi to an integer
; under every rounding mode, FBSTP of 12345.5 rounding to even, FPREM's quotient bits);
; a masked invalid operation gives the indefinite and sets IE; an unmasked zero divide
; leaves ST(0) alone, sets ES and raises #MF (vector 16) at the next waiting instruction
; (an FST), not at the no-wait FNSTSW; FNCLEX clears it; CR0.TS makes an x87 instruction
; #NM and WAIT #NM only together with CR0.MP; FNSAVE reinitialises and FRSTOR restores.
;
; Follows Intel SDM Vol. 1 chapter 8 (x87 FPU: 8.1.3 condition codes, 8.1.5 control
; word, 8.5 floating-point exception conditions, 8.6-8.7 exception synchronisation and
; handling, #MF with CR0.NE) and Vol. 2 (FNINIT, FSQRT, FST, FIST, FBSTP, FPREM, FDIV,
; FWAIT, FNCLEX, FNSAVE, FRSTOR); Vol. 3A 2.5 (CR0.MP, EM, TS, NE) and 6.15 (#NM, #MF).

%define TEST_NAME "x87"
%include "harness.inc"

STORE           equ SCRATCH + 0x100
SAVE_AREA       equ SCRATCH + 0x200

test_main:
        mov eax, cr0
        or eax, 0x22                ; MP, NE
        and eax, ~0x0C              ; EM, TS clear
        mov cr0, eax

        ; --- FNINIT
        fninit
        fnstcw [STORE]
        movzx eax, word [STORE]
        CHECK_EQ eax, 0x037F, "FNINIT: control word 037F"
        fnstsw ax
        movzx eax, ax
        CHECK_EQ eax, 0, "FNINIT: status word 0"

        ; --- exact results
        fld1
        fadd st0, st0
        fsqrt
        fstp qword [STORE]
        CHECK_EQ [STORE], 0x667F3BCD, "sqrt(2) as a double: low half"
        CHECK_EQ [STORE + 4], 0x3FF6A09E, "sqrt(2) as a double: high half"
        fld1
        push dword 3
        fidiv dword [esp]
        add esp, 4
        fst qword [STORE]
        CHECK_EQ [STORE], 0x55555555, "1/3 as a double: low half"
        CHECK_EQ [STORE + 4], 0x3FD55555, "1/3 as a double: high half"
        fstp st0
        mov word [STORE], 0x007F    ; precision control 24 bits, nearest
        fldcw [STORE]
        fld1
        push dword 3
        fidiv dword [esp]
        add esp, 4
        fstp tword [STORE]
        CHECK_EQ [STORE + 4], 0xAAAAAB00, "PC=24: 1/3 rounded to 24 bits"
        CHECK_EQ [STORE], 0, "  ...low bits clear"
        fninit

%macro PI_TO_INT 2  ; control word, expected
        mov word [STORE], %1
        fldcw [STORE]
        fldpi
        fistp dword [STORE + 4]
        CHECK_EQ [STORE + 4], %2, "FISTP of pi by rounding mode"
%endmacro
        PI_TO_INT 0x037F, 3
        PI_TO_INT 0x077F, 3
        PI_TO_INT 0x0B7F, 4
        PI_TO_INT 0x0F7F, 3
        fninit

        mov dword [STORE], 0x4640E600 ; 12345.5f
        fld dword [STORE]
        fbstp tword [STORE + 8]
        CHECK_EQ [STORE + 8], 0x00012346, "FBSTP: 12345.5 rounds to even"

        push dword 3
        fild dword [esp]
        mov dword [esp], 17
        fild dword [esp]
        add esp, 4
        fprem                       ; 17 = 5 * 3 + 2
        fnstsw ax
        and eax, 0x4700
        CHECK_EQ eax, 0x0300, "FPREM: quotient 5 (101) in C0 C3 C1, C2 clear"
        fistp dword [STORE]
        CHECK_EQ [STORE], 2, "FPREM: remainder 2"
        fninit

        ; --- masked invalid operation
        fldz
        fldz
        fdivp st1, st0
        fnstsw ax
        and eax, 0x3F
        CHECK_EQ eax, 1, "0/0 masked: IE"
        fstp tword [STORE]
        CHECK_EQ [STORE + 4], 0xC0000000, "0/0 masked: the indefinite"
        movzx eax, word [STORE + 8]
        CHECK_EQ eax, 0xFFFF, "  ...sign and exponent"

        ; --- unmasked zero divide: pending, then #MF at the next waiting instruction
        fninit
        mov word [STORE], 0x037B    ; ZE unmasked
        fldcw [STORE]
        fld1
        fldz
        fdivp st1, st0
        fnstsw ax                   ; no-wait: reports, does not fault
        and eax, 0x80BF
        CHECK_EQ eax, 0x8084, "unmasked ZE: B, ES and ZE set, nothing raised yet"
        TRY
mf_point:
        fst dword [STORE + 4]       ; waits: #MF before it does anything
        CATCH
        CHECK_EXC 16, 0, mf_point, "the next waiting instruction raises #MF"
        fnclex
        fstp dword [STORE + 4]
        CHECK_EQ [STORE + 4], 0, "after FNCLEX: no pop happened, ST(0) is the 0 divisor"
        fstp dword [STORE + 4]
        CHECK_EQ [STORE + 4], 0x3F800000, "  ...and ST(1) the untouched 1.0"
        fninit

        ; --- CR0.TS and CR0.MP
        mov eax, cr0
        or eax, 0x08                ; TS
        mov cr0, eax
        TRY
        fld1
        CATCH
        CHECK_EXC 7, 0, ANY, "CR0.TS: FLD1 raises #NM"
        TRY
        fwait
        CATCH
        CHECK_EXC 7, 0, ANY, "CR0.TS with MP: WAIT raises #NM"
        mov eax, cr0
        and eax, ~0x02              ; MP clear
        mov cr0, eax
        TRY
        fwait
        CATCH
        CHECK_NOEXC "CR0.TS without MP: WAIT runs"
        clts
        mov eax, cr0
        or eax, 0x02
        mov cr0, eax

        ; --- FNSAVE / FRSTOR
        fninit
        fldpi
        fld1
        fnsave [SAVE_AREA]
        fnstsw ax
        movzx eax, ax
        CHECK_EQ eax, 0, "FNSAVE reinitialises"
        movzx eax, word [SAVE_AREA + 4]
        CHECK_EQ eax, 0x3000, "FNSAVE: TOP 6 in the saved status word"
        frstor [SAVE_AREA]
        fstp st0
        fistp dword [STORE]
        CHECK_EQ [STORE], 3, "FRSTOR: pi is back under 1.0"
        TEST_END

        HARNESS_END
