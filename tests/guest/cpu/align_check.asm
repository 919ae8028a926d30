; align_check: alignment-check exceptions (#AC) with CR0.AM and EFLAGS.AC at CPL 3.
;
; Proves: with CR0.AM=1 and EFLAGS.AC=1, a CPL-3 data access that is not naturally
; aligned (word at an odd address, dword not on a multiple of 4, including a PUSH with
; a misaligned ESP) raises #AC with error code 0 before anything is written, while
; aligned accesses and byte accesses pass; with CR0.AM=0, with EFLAGS.AC=0, or at CPL 0
; no #AC is raised for the same accesses.
;
; Follows Intel SDM Vol. 3A 6.15 "Interrupt 17—Alignment Check Exception (#AC)" (Table
; 6-7 alignment requirements by data type; conditions CR0.AM, EFLAGS.AC, CPL 3), 2.5
; (CR0.AM), Vol. 1 3.4.3.3 (EFLAGS.AC); AMD APM Vol. 2 8.2.18 agrees.
;
; QEMU TCG (7.2) does not implement #AC (the misaligned cases fail there); Bochs 2.7
; passes every check.

%define TEST_NAME "align_check"
%include "harness.inc"

DATA            equ SCRATCH + 0x100     ; 16-byte aligned

; AC3 {instruction}, eflags, vector (NONE or 17), "what": run at CPL 3
%macro AC3 4
        jmp %%over
%%code:
%%insn: %1
        int VEC_RETURN
%%over:
        RUN_RING3 %%code, %2
%if %3 == NONE
        CHECK_RETURNED %4
%else
        CHECK_EXC 17, 0, %%insn, %4
%endif
%endmacro

test_main:
        mov eax, cr0
        or eax, 1 << 18             ; AM
        mov cr0, eax
        mov dword [DATA], 0x11111111
        mov dword [DATA + 4], 0x22222222

        AC3 {mov eax, [DATA + 1]},        EFL_AC | 2, 17,   "AM=1 AC=1 CPL3: dword read at +1 -> #AC(0)"
        AC3 {mov eax, [DATA + 2]},        EFL_AC | 2, 17,   "AM=1 AC=1 CPL3: dword read at +2 -> #AC(0)"
        AC3 {mov ax, [DATA + 1]},         EFL_AC | 2, 17,   "AM=1 AC=1 CPL3: word read at an odd address -> #AC(0)"
        AC3 {mov dword [DATA + 5], 0},    EFL_AC | 2, 17,   "AM=1 AC=1 CPL3: dword write at +5 -> #AC(0)"
        CHECK_EQ [DATA + 4], 0x22222222,  "  ...and nothing was written"
        AC3 {mov eax, [DATA + 4]},        EFL_AC | 2, NONE, "AM=1 AC=1 CPL3: aligned dword read passes"
        AC3 {mov ax, [DATA + 2]},         EFL_AC | 2, NONE, "AM=1 AC=1 CPL3: aligned word read passes"
        AC3 {mov al, [DATA + 3]},         EFL_AC | 2, NONE, "AM=1 AC=1 CPL3: byte read at an odd address passes"
        AC3 {mov eax, [DATA + 1]},        2,          NONE, "AM=1 AC=0 CPL3: misaligned dword read passes"
        jmp .push_over
.push_code:
        sub esp, 2
.push_insn:
        push eax
        int VEC_RETURN
.push_over:
        RUN_RING3 .push_code, EFL_AC | 2
        CHECK_EXC 17, 0, .push_insn, "AM=1 AC=1 CPL3: PUSH with ESP misaligned by 2 -> #AC(0)"

        ; CPL 0 with AC=1: no check
        pushfd
        or dword [esp], EFL_AC
        popfd
        TRY
        mov eax, [DATA + 1]
        CATCH
        pushfd
        and dword [esp], ~EFL_AC
        popfd
        CHECK_NOEXC "AM=1 AC=1 CPL0: misaligned dword read passes"

        mov eax, cr0
        and eax, ~(1 << 18)
        mov cr0, eax
        AC3 {mov eax, [DATA + 1]},        EFL_AC | 2, NONE, "AM=0 AC=1 CPL3: misaligned dword read passes"
        TEST_END

HARNESS_END
