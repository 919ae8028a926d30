; seg_type: segment type and privilege checks on segment-register loads and accesses.
;
; Proves: loads of DS/ES/FS/GS and SS check the descriptor type, presence and privilege
; with the documented exception and error code: execute-only code and system
; descriptors cannot be loaded into data registers (#GP(sel)), a not-present segment
; gives #NP(sel) (#SS(sel) for SS), a null selector may be loaded into a data register
; (using it gives #GP(0)) but not into SS (#GP(0)), a selector beyond the GDT limit or
; into an absent LDT gives #GP(sel), data loads need max(CPL,RPL) <= DPL except for
; conforming readable code, SS loads need RPL = CPL = DPL and a writable data segment;
; writes to code or read-only data and reads of execute-only code give #GP(0);
; MOV to CS is #UD; a faulting POP DS leaves ESP unchanged; a successful load sets the
; descriptor's accessed bit; the error code carries the selector's index and TI bit but
; not its RPL.
;
; Follows Intel SDM Vol. 3A 3.4.2-3.4.5 (selectors, descriptors, types), 5.5-5.7
; (privilege levels, data and stack segment checks), 5.8.1.2 (conforming code), 6.13
; (error code), 6.15 (#NP, #SS, #GP); Vol. 2 MOV, POP and LSS "Protected Mode Exceptions".
;
; QEMU TCG (7.2) checks descriptors only when a segment register is loaded: it lets
; writes through read-only data or code segments, reads through execute-only CS and
; accesses through a null selector pass (checks 4, 5, 8, 14, 17 fail there). Bochs 2.7
; passes every check; the SDM is the reference.

%define TEST_NAME "seg_type"
%include "harness.inc"

SEL_XO          equ 0x80    ; code, execute-only, DPL0
SEL_XR          equ 0x88    ; code, execute/read, non-conforming, DPL0
SEL_RO          equ 0x90    ; data, read-only, DPL0
SEL_NP          equ 0x98    ; data RW, not present
SEL_D0          equ 0xA0    ; data RW, DPL0, accessed bit clear
SEL_D3          equ 0xA8    ; data RW, DPL3
SEL_D1          equ 0xB0    ; data RW, DPL1
SEL_LDTD        equ 0xB8    ; LDT descriptor (system type 2)
SEL_TSSD        equ 0xC0    ; available 32-bit TSS descriptor (system type 9)
SEL_CONF        equ 0xC8    ; code, execute/read, conforming, DPL0
SEL_CODE3       equ 0xD0    ; code, execute/read, DPL3 (for ring-3 code loads)
SEL_D3_NP       equ 0xD8    ; data RW, DPL3, not present
LDT_AREA        equ 0x6000
SEL_LDT_DATA    equ 0x0C    ; LDT index 1, TI=1

; CASE {instruction}, vector, error, "what": CPL 0; the instruction at %%insn
%macro CASE 4
        TRY
%%insn: %1
        CATCH
%if %2 == NONE
        CHECK_NOEXC %4
%else
        CHECK_EXC %2, %3, %%insn, %4
%endif
%endmacro

; SS_CASE selector, vector, error, "what": MOV SS at CPL 0 (restores SS afterwards)
%macro SS_CASE 4
        TRY
        mov ax, %1
%%insn: mov ss, ax
        CATCH
        mov ax, DATA_SEL
        mov ss, ax
%if %2 == NONE
        CHECK_NOEXC %4
%else
        CHECK_EXC %2, %3, %%insn, %4
%endif
%endmacro

; RING3_CASE {setup}, {instruction}, vector, error, "what": runs setup and the
; instruction at CPL 3; NONE means it must complete and reach `int VEC_RETURN`.
%macro RING3_CASE 5
        jmp %%over
%%code: %1
%%insn: %2
        int VEC_RETURN
%%over:
        RUN_RING3 %%code
%if %3 == NONE
        CHECK_RETURNED %5
%else
        CHECK_EXC %3, %4, %%insn, %5
%endif
%endmacro

test_main:
        SET_DESC SEL_XO,   0, 0xFFFFF, 0x98, FLG_32
        SET_DESC SEL_XR,   0, 0xFFFFF, 0x9A, FLG_32
        SET_DESC SEL_RO,   0, 0xFFFFF, 0x90, FLG_32
        SET_DESC SEL_NP,   0, 0xFFFFF, 0x12, FLG_32
        SET_DESC SEL_D0,   0, 0xFFFFF, 0x92, FLG_32
        SET_DESC SEL_D3,   0, 0xFFFFF, 0xF2, FLG_32
        SET_DESC SEL_D1,   0, 0xFFFFF, 0xB2, FLG_32
        SET_DESC SEL_LDTD, LDT_AREA, 0x0F, 0x82, FLG_16
        SET_DESC SEL_TSSD, 0x5800, 0x67, 0x89, FLG_16
        SET_DESC SEL_CONF, 0, 0xFFFFF, 0x9E, FLG_32
        SET_DESC SEL_CODE3, 0, 0xFFFFF, 0xFA, FLG_32
        SET_DESC SEL_D3_NP, 0, 0xFFFFF, 0x72, FLG_32
        ; LDT: a null slot and one flat RW data descriptor
        mov dword [LDT_AREA], 0
        mov dword [LDT_AREA + 4], 0
        mov dword [LDT_AREA + 8], 0x0000FFFF
        mov dword [LDT_AREA + 12], 0x00CF9300

        ; --- type checks on data-register loads (CPL 0)
        CASE {mov fs, [sel_xo]},  13, SEL_XO, "MOV FS, execute-only code -> #GP(sel)"
        CASE {mov fs, [sel_xr]},  NONE, 0,    "MOV FS, readable code is allowed"
        CASE {mov eax, [fs:sel_xo]}, NONE, 0, "read through FS = readable code is allowed"
        CASE {mov [fs:SCRATCH], eax}, 13, 0,  "write through FS = readable code -> #GP(0)"
        CASE {mov [cs:SCRATCH], eax}, 13, 0,  "write with a CS override -> #GP(0)"
        CASE {mov fs, [sel_ro]},  NONE, 0,    "MOV FS, read-only data is allowed"
        CASE {mov eax, [fs:SCRATCH]}, NONE, 0, "read through read-only data is allowed"
        CASE {mov [fs:SCRATCH], eax}, 13, 0,  "write through read-only data -> #GP(0)"
        CASE {mov fs, [sel_np]},  11, SEL_NP, "MOV FS, not-present segment -> #NP(sel)"
        CASE {mov fs, [sel_ldtd]}, 13, SEL_LDTD, "MOV FS, LDT descriptor (system) -> #GP(sel)"
        CASE {mov gs, [sel_tssd]}, 13, SEL_TSSD, "MOV GS, TSS descriptor (system) -> #GP(sel)"
        CASE {mov fs, [sel_beyond]}, 13, 0x1000, "MOV FS, selector beyond the GDT limit -> #GP(sel)"
        CASE {mov fs, [sel_null]}, NONE, 0,   "MOV FS, null selector is allowed"
        CASE {mov eax, [fs:SCRATCH]}, 13, 0,  "read through a null FS -> #GP(0)"
        CASE {mov fs, [sel_null3]}, NONE, 0,  "MOV FS, null selector with RPL 3 is allowed"
        CASE {db 0x8E, 0xC8},    6, 0,        "MOV CS, AX -> #UD"

        ; --- reading execute-only code through CS
        TRY
        jmp SEL_XO:xo_code
        CATCH
        CHECK_EXC 13, 0, xo_code.insn, "read with a CS override while CS is execute-only -> #GP(0)"
        TRY
        jmp SEL_XR:xr_code
        CATCH
        CHECK_RETURNED "read with a CS override while CS is readable is allowed"

        ; --- the accessed bit
        and byte [GDT_BASE + SEL_D0 + 5], 0xFE
        mov ax, SEL_D0
        mov fs, ax
        movzx eax, byte [GDT_BASE + SEL_D0 + 5]
        CHECK_EQ eax, 0x93, "loading a data segment sets its descriptor's accessed bit"

        ; --- LDT selectors
        mov ax, SEL_LDTD
        lldt ax
        CASE {mov fs, [sel_ldt_data]}, NONE, 0, "MOV FS, LDT selector with an LDT loaded is allowed"
        CASE {mov fs, [sel_ldt_2]}, 13, 0x14,   "MOV FS, LDT selector beyond the LDT limit -> #GP(sel with TI)"
        xor eax, eax
        lldt ax
        CASE {mov fs, [sel_ldt_data]}, 13, SEL_LDT_DATA, "MOV FS, LDT selector with a null LDTR -> #GP(sel)"

        ; --- privilege of data loads at CPL 0: max(CPL, RPL) <= DPL
        CASE {mov fs, [sel_d0_rpl3]}, 13, SEL_D0, "CPL0 MOV FS, DPL0 data with RPL3 -> #GP(sel without RPL)"
        CASE {mov fs, [sel_d1_rpl1]}, NONE, 0,    "CPL0 MOV FS, DPL1 data with RPL1 is allowed"
        CASE {mov fs, [sel_d1_rpl2]}, 13, SEL_D1, "CPL0 MOV FS, DPL1 data with RPL2 -> #GP(sel)"
        CASE {mov fs, [sel_d3_rpl3]}, NONE, 0,    "CPL0 MOV FS, DPL3 data with RPL3 is allowed"

        ; --- SS loads at CPL 0: RPL = CPL = DPL, writable data, present, not null
        SS_CASE SEL_D0, NONE, 0,           "CPL0 MOV SS, DPL0 writable data is allowed"
        SS_CASE 0, 13, 0,                  "CPL0 MOV SS, null -> #GP(0)"
        SS_CASE 3, 13, 0,                  "CPL0 MOV SS, null with RPL3 -> #GP(0)"
        SS_CASE SEL_D0 | 3, 13, SEL_D0,    "CPL0 MOV SS, DPL0 data with RPL3 -> #GP(sel)"
        SS_CASE SEL_D3, 13, SEL_D3,        "CPL0 MOV SS, DPL3 data with RPL0 -> #GP(sel)"
        SS_CASE SEL_D3 | 3, 13, SEL_D3,    "CPL0 MOV SS, DPL3 data with RPL3 -> #GP(sel)"
        SS_CASE SEL_RO, 13, SEL_RO,        "CPL0 MOV SS, read-only data -> #GP(sel)"
        SS_CASE SEL_XR, 13, SEL_XR,        "CPL0 MOV SS, code -> #GP(sel)"
        SS_CASE SEL_NP, 12, SEL_NP,        "CPL0 MOV SS, not-present data -> #SS(sel)"
        SS_CASE SEL_LDTD, 13, SEL_LDTD,    "CPL0 MOV SS, system descriptor -> #GP(sel)"

        ; --- POP and LSS fault precisely
        mov ebx, esp
        push dword SEL_NP
        TRY
.pop_insn:
        pop fs
        CATCH
        CHECK_EXC 11, SEL_NP, .pop_insn, "POP FS of a not-present selector -> #NP(sel)"
        mov eax, ebx
        sub eax, esp
        CHECK_EQ eax, 4, "the faulting POP FS left ESP unchanged"
        mov esp, ebx
        mov dword [SCRATCH], 0x7F000
        mov word [SCRATCH + 4], SEL_RO
        CASE {lss esp, [SCRATCH]}, 13, SEL_RO, "LSS with read-only data -> #GP(sel)"
        mov eax, esp
        CHECK_EQ eax, ebx, "the faulting LSS left ESP unchanged"

        ; --- CPL 3 loads
        RING3_CASE {}, {mov ds, [cs:sel_d0_rpl3]}, 13, SEL_D0, "CPL3 MOV DS, DPL0 data -> #GP(sel)"
        RING3_CASE {}, {mov ds, [cs:sel_d3_rpl3]}, NONE, 0,   "CPL3 MOV DS, DPL3 data is allowed"
        RING3_CASE {}, {mov es, [cs:sel_d3_rpl0]}, NONE, 0,   "CPL3 MOV ES, DPL3 data with RPL0 is allowed (max(CPL,RPL) = 3)"
        RING3_CASE {}, {mov ds, [cs:sel_xr_rpl3]}, 13, SEL_XR, "CPL3 MOV DS, non-conforming DPL0 code -> #GP(sel)"
        RING3_CASE {}, {mov ds, [cs:sel_conf_rpl3]}, NONE, 0, "CPL3 MOV DS, conforming readable DPL0 code is allowed"
        RING3_CASE {}, {mov fs, [cs:sel_d3np_rpl3]}, 11, SEL_D3_NP, "CPL3 MOV FS, not-present DPL3 data -> #NP(sel)"
        RING3_CASE {}, {mov ss, [cs:sel_d3_rpl3]}, NONE, 0,   "CPL3 MOV SS, DPL3 data with RPL3 is allowed"
        RING3_CASE {}, {mov ss, [cs:sel_d3_rpl0]}, 13, SEL_D3, "CPL3 MOV SS, DPL3 data with RPL0 -> #GP(sel)"
        RING3_CASE {}, {mov ss, [cs:sel_d0_rpl3]}, 13, SEL_D0, "CPL3 MOV SS, DPL0 data -> #GP(sel)"
        RING3_CASE {}, {mov ss, [cs:sel_null3]}, 13, 0,       "CPL3 MOV SS, null -> #GP(0)"
        RING3_CASE {}, {mov ds, [cs:sel_null3]}, NONE, 0,     "CPL3 MOV DS, null is allowed"
        RING3_CASE {xor eax, eax}, {mov ds, ax}, NONE, 0,     "CPL3 MOV DS, null with RPL0 is allowed"

        TEST_END

xo_code:                            ; runs with CS = SEL_XO (execute-only)
.insn:  mov eax, [cs:xo_code]
        int VEC_RETURN
xr_code:                            ; runs with CS = SEL_XR (execute/read)
        mov eax, [cs:xr_code]
        int VEC_RETURN

sel_xo:         dw SEL_XO
sel_xr:         dw SEL_XR
sel_ro:         dw SEL_RO
sel_np:         dw SEL_NP
sel_ldtd:       dw SEL_LDTD
sel_tssd:       dw SEL_TSSD
sel_beyond:     dw 0x1000
sel_null:       dw 0
sel_null3:      dw 3
sel_ldt_data:   dw SEL_LDT_DATA
sel_ldt_2:      dw 0x14
sel_d0_rpl3:    dw SEL_D0 | 3
sel_d1_rpl1:    dw SEL_D1 | 1
sel_d1_rpl2:    dw SEL_D1 | 2
sel_d3_rpl3:    dw SEL_D3 | 3
sel_d3_rpl0:    dw SEL_D3
sel_xr_rpl3:    dw SEL_XR | 3
sel_conf_rpl3:  dw SEL_CONF | 3
sel_d3np_rpl3:  dw SEL_D3_NP | 3

HARNESS_END
