; seg_limit: segment limit checks in 32-bit protected mode.
;
; Proves: data accesses through expand-up and expand-down segments are checked against
; the effective limit for every byte of the access (byte, word, dword at the limit),
; with byte and 4 KiB granularity and with the B flag choosing the 64 KiB or 4 GiB upper
; bound of expand-down segments; a violation through DS/ES/FS/GS raises #GP(0) and one
; through SS (implicit EBP/ESP addressing, PUSH) raises #SS(0); a faulting access
; writes nothing and a faulting PUSH leaves ESP unchanged; control transfers and
; instruction fetches beyond the CS limit raise #GP(0) at the offending instruction.
;
; Follows Intel SDM Vol. 3A 3.4.5 (segment descriptors, expand-down, G and D/B flags),
; 3.4.5.1 (code- and data-segment types), 5.3 (limit checking), 6.15 (#GP, #SS
; interrupt 12 and 13 descriptions); AMD APM Vol. 2 4.7 and 4.12 agree.
;
; QEMU TCG (7.2) does not check segment limits on data accesses nor on sequential
; instruction fetch, so this test fails there; it passes on Bochs 2.7, and the SDM is
; the reference.

%define TEST_NAME "seg_limit"
%include "harness.inc"

SEL_EU          equ 0x80    ; expand-up RW, base 0x10000, limit 0xFFF, byte granular
SEL_EU_G        equ 0x88    ; expand-up RW, base 0x10000, limit 0 with G=1 (eff. 0xFFF)
SEL_ED          equ 0x90    ; expand-down RW, base 0x10000, limit 0xFFF, B=1
SEL_ED16        equ 0x98    ; expand-down RW, base 0x10000, limit 0xFFF, B=0
SEL_ED_G        equ 0xA0    ; expand-down RW, base 0x10000, limit 0 with G=1, B=1
SEL_SS_EU       equ 0xA8    ; stack: expand-up, base 0, limit 0x7FFFF
SEL_SS_ED       equ 0xB0    ; stack: expand-down, base 0, limit 0x6FFFF, B=1
SEL_SS3_ED      equ 0xBB    ; DPL-3 stack: expand-down, base 0, limit 0x7BFFF, B=1
SEL_CODE_LIM    equ 0xC0    ; code, base 0, limit = end of cl_jmp_region - 1
SEL_CODE_LIM2   equ 0xC8    ; code, base 0, limit in the middle of cl2_insn

DATA_AREA       equ 0x10000

; LIMIT_CASE selector, {instruction}, vector (NONE, 12 or 13), "what"
; Loads FS with the selector, runs the instruction, checks the outcome (error code 0,
; faulting EIP = the instruction).
%macro LIMIT_CASE 4
        TRY
        mov ax, %1
        mov fs, ax
%%insn: %2
        CATCH
%if %3 == NONE
        CHECK_NOEXC %4
%else
        CHECK_EXC %3, 0, %%insn, %4
%endif
%endmacro

; STACK_CASE selector, {instruction}, vector, "what": the same with SS (ring 0; ESP stays
; valid inside the segment, so the fault frame can be pushed)
%macro STACK_CASE 4
        TRY
        mov ax, %1
        mov ss, ax
%%insn: %2
        CATCH
        mov ax, DATA_SEL
        mov ss, ax
%if %3 == NONE
        CHECK_NOEXC %4
%else
        CHECK_EXC %3, 0, %%insn, %4
%endif
%endmacro

test_main:
        SET_DESC SEL_EU,    DATA_AREA, 0xFFF, 0x92, FLG_32B
        SET_DESC SEL_EU_G,  DATA_AREA, 0,     0x92, FLG_32
        SET_DESC SEL_ED,    DATA_AREA, 0xFFF, 0x96, FLG_32B
        SET_DESC SEL_ED16,  DATA_AREA, 0xFFF, 0x96, FLG_16
        SET_DESC SEL_ED_G,  DATA_AREA, 0,     0x96, FLG_32
        SET_DESC SEL_SS_EU, 0, 0x7FFFF, 0x92, FLG_32B
        SET_DESC SEL_SS_ED, 0, 0x6FFFF, 0x96, FLG_32B
        SET_DESC SEL_SS3_ED, 0, 0x7BFFF, 0xF6, FLG_32B
        SET_DESC SEL_CODE_LIM,  0, cl_limit_end - 1, 0x9A, FLG_32B
        SET_DESC SEL_CODE_LIM2, 0, cl2_insn + 2,     0x9A, FLG_32B

        ; --- the base is applied
        mov dword [DATA_AREA + 0x10], 0
        mov ax, SEL_EU
        mov fs, ax
        mov dword [fs:0x10], 0xCAFEF00D
        CHECK_EQ [DATA_AREA + 0x10], 0xCAFEF00D, "expand-up segment: offset 0x10 reaches base+0x10"

        ; --- expand-up, byte granular, limit 0xFFF
        LIMIT_CASE SEL_EU, {mov al, [fs:0xFFF]},  NONE, "expand-up: byte at the limit is allowed"
        LIMIT_CASE SEL_EU, {mov al, [fs:0x1000]}, 13,   "expand-up: byte at limit+1 -> #GP(0)"
        LIMIT_CASE SEL_EU, {mov ax, [fs:0xFFE]},  NONE, "expand-up: word ending at the limit is allowed"
        LIMIT_CASE SEL_EU, {mov ax, [fs:0xFFF]},  13,   "expand-up: word at the limit (one byte over) -> #GP(0)"
        LIMIT_CASE SEL_EU, {mov eax, [fs:0xFFC]}, NONE, "expand-up: dword ending at the limit is allowed"
        LIMIT_CASE SEL_EU, {mov eax, [fs:0xFFD]}, 13,   "expand-up: dword one byte over the limit -> #GP(0)"
        mov dword [DATA_AREA + 0xFFC], 0x11111111
        LIMIT_CASE SEL_EU, {mov dword [fs:0xFFD], 0x22222222}, 13, "expand-up: dword write over the limit -> #GP(0)"
        CHECK_EQ [DATA_AREA + 0xFFC], 0x11111111, "the faulting write stored none of its bytes"
        LIMIT_CASE SEL_EU, {mov eax, [fs:0xFFFFFFFF]}, 13, "expand-up: offset 0xFFFFFFFF (wrap) -> #GP(0)"
        mov ebx, 0xFFE
        LIMIT_CASE SEL_EU, {mov eax, [fs:ebx+2]}, 13, "expand-up: effective address from base+disp is checked"

        ; --- expand-up, 4 KiB granular, limit field 0 -> effective limit 0xFFF
        LIMIT_CASE SEL_EU_G, {mov eax, [fs:0xFFC]}, NONE, "expand-up G=1: limit 0 covers offsets 0-0xFFF"
        LIMIT_CASE SEL_EU_G, {mov al, [fs:0x1000]}, 13,   "expand-up G=1: offset 0x1000 -> #GP(0)"

        ; --- expand-down, B=1: valid offsets 0x1000..0xFFFFFFFF
        LIMIT_CASE SEL_ED, {mov al, [fs:0xFFF]},  13,   "expand-down: byte at the limit -> #GP(0)"
        LIMIT_CASE SEL_ED, {mov al, [fs:0x1000]}, NONE, "expand-down: byte at limit+1 is allowed"
        LIMIT_CASE SEL_ED, {mov eax, [fs:0xFFE]}, 13,   "expand-down: dword straddling the limit -> #GP(0)"
        LIMIT_CASE SEL_ED, {mov eax, [fs:0x1000]}, NONE, "expand-down: dword at limit+1 is allowed"
        LIMIT_CASE SEL_ED, {mov al, [fs:0]},      13,   "expand-down: offset 0 -> #GP(0)"
        LIMIT_CASE SEL_ED, {mov al, [fs:0xFFFFFFFF]}, NONE, "expand-down B=1: byte at 0xFFFFFFFF is allowed"
        LIMIT_CASE SEL_ED, {mov eax, [fs:0x10000]}, NONE, "expand-down B=1: offsets above 0xFFFF are allowed"

        ; --- expand-down, B=0: valid offsets 0x1000..0xFFFF
        LIMIT_CASE SEL_ED16, {mov al, [fs:0xFFFF]},   NONE, "expand-down B=0: byte at 0xFFFF is allowed"
        LIMIT_CASE SEL_ED16, {mov eax, [fs:0xFFFC]},  NONE, "expand-down B=0: dword ending at 0xFFFF is allowed"
        LIMIT_CASE SEL_ED16, {mov ax, [fs:0xFFFF]},   13,   "expand-down B=0: word at 0xFFFF (past the 64 KiB bound) -> #GP(0)"
        LIMIT_CASE SEL_ED16, {mov al, [fs:0x10000]},  13,   "expand-down B=0: byte at 0x10000 -> #GP(0)"
        LIMIT_CASE SEL_ED16, {mov al, [fs:0xFFF]},    13,   "expand-down B=0: byte at the limit -> #GP(0)"
        LIMIT_CASE SEL_ED16, {mov al, [fs:0x1000]},   NONE, "expand-down B=0: byte at limit+1 is allowed"

        ; --- expand-down, G=1, limit field 0 -> lower bound 0x1000
        LIMIT_CASE SEL_ED_G, {mov al, [fs:0xFFF]},  13,   "expand-down G=1: limit 0 scales to 0xFFF, offset 0xFFF -> #GP(0)"
        LIMIT_CASE SEL_ED_G, {mov al, [fs:0x1000]}, NONE, "expand-down G=1: offset 0x1000 is allowed"

        ; --- the other data segment registers fault the same way
        TRY
        mov ax, SEL_EU
        mov es, ax
.es_insn:
        mov al, [es:0x1000]
        CATCH
        CHECK_EXC 13, 0, .es_insn, "ES: byte at limit+1 -> #GP(0)"
        TRY
        mov ax, SEL_EU
        mov gs, ax
.gs_insn:
        mov dword [gs:0xFFE], 0
        CATCH
        CHECK_EXC 13, 0, .gs_insn, "GS: dword write over the limit -> #GP(0)"
        TRY
        mov ax, SEL_EU
        mov es, ax
        mov edi, 0xFFE
        mov ecx, 4
        mov al, 0x5A
.stos_insn:
        rep stosb
        CATCH
        CHECK_EXC 13, 0, .stos_insn, "REP STOSB running over the ES limit -> #GP(0)"
        CHECK_EQ ecx, 2, "REP STOSB faulted after 2 iterations: ECX counts the rest"
        CHECK_EQ edi, 0x1000, "REP STOSB faulted after 2 iterations: EDI at the faulting byte"
        CHECK_EQ [DATA_AREA + 0xFFC], 0x5A5A1111, "the 2 bytes inside the limit were stored"

        ; --- SS: implicit stack addressing faults with #SS(0)
        mov ebp, 0x7FFFC
        STACK_CASE SEL_SS_EU, {mov eax, [ebp]}, NONE, "SS expand-up: dword [ebp] ending at the limit is allowed"
        mov ebp, 0x7FFFD
        STACK_CASE SEL_SS_EU, {mov eax, [ebp]}, 12,   "SS expand-up: dword [ebp] over the limit -> #SS(0)"
        mov ebp, 0x80000
        STACK_CASE SEL_SS_EU, {mov al, [ss:ebp]}, 12, "SS expand-up: SS-override byte at limit+1 -> #SS(0)"
        mov ebp, 0x6FFFF
        STACK_CASE SEL_SS_ED, {mov al, [ebp]}, 12,    "SS expand-down: byte [ebp] at the limit -> #SS(0)"
        mov ebp, 0x70000
        STACK_CASE SEL_SS_ED, {mov al, [ebp]}, NONE,  "SS expand-down: byte [ebp] at limit+1 is allowed"
        mov ebp, 0x80000
        LIMIT_CASE SEL_EU, {mov al, [fs:ebp]}, 13, "FS-override with EBP base -> #GP(0), not #SS"

        ; --- PUSH below an expand-down stack's limit at CPL 3: #SS(0), ESP unchanged
        RUN_RING3 ring3_push
        CHECK_EXC 12, 0, ring3_push.insn, "CPL3 PUSH below the expand-down SS limit -> #SS(0)"
        CHECK_EQ [exc_frame], 0x7C000, "the faulting PUSH left ESP unchanged"
        CHECK_EQ [exc_frame + 4], SEL_SS3_ED, "the fault frame holds the ring-3 SS"
        RUN_RING3 ring3_push_ok
        CHECK_RETURNED "CPL3 PUSH above the expand-down SS limit is allowed"

        ; --- CS limit
        TRY
        jmp SEL_CODE_LIM:cl_start
        CATCH
        CHECK_EXC 13, 0, cl_jmp, "near JMP to beyond the CS limit -> #GP(0) at the JMP"
        TRY
.far_insn:
        jmp SEL_CODE_LIM:cl_beyond
        CATCH
        CHECK_EXC 13, 0, .far_insn, "far JMP to an offset beyond the CS limit -> #GP(0) at the JMP"
        TRY
        jmp SEL_CODE_LIM:cl_last_ok
        CATCH
        CHECK_EXC 13, 0, cl_straddle, "fetching an instruction that straddles the CS limit -> #GP(0) at it"
        TRY
        jmp SEL_CODE_LIM2:cl2_start
        CATCH
        CHECK_EXC 13, 0, cl2_insn, "a 5-byte instruction with only 3 bytes inside CS -> #GP(0)"

        TEST_END

; ring 3: load the DPL-3 expand-down SS (valid offsets 0x7C000..) and push below it
ring3_push:
        mov ax, SEL_SS3_ED
        mov ss, ax
        mov esp, 0x7C000
.insn:  push eax
        int VEC_RETURN
ring3_push_ok:
        mov ax, SEL_SS3_ED
        mov ss, ax
        mov esp, 0x7C004
        push eax
        int VEC_RETURN

; code run through SEL_CODE_LIM (limit = cl_limit_end - 1)
cl_start:
cl_jmp: jmp near cl_beyond
cl_last_ok:
        nop
cl_straddle:
        mov eax, 0x12345678         ; its last bytes lie beyond the limit
        times 2 nop
cl_limit_end equ cl_straddle + 3
cl_beyond:
        int VEC_RETURN              ; never reached through SEL_CODE_LIM

; code run through SEL_CODE_LIM2 (limit = cl2_insn + 2)
cl2_start:
        nop
cl2_insn:
        mov eax, 0x12345678
        int VEC_RETURN

HARNESS_END
