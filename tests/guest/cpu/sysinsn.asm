; sysinsn: descriptor-table and protection-query instructions, and CPL-0-only rules.
;
; Proves: SGDT/SIDT store the 16-bit limit and 32-bit base; SLDT/STR return the loaded
; selectors; SMSW returns CR0[15:0]; LAR returns the access-rights dword masked with
; 0x00FxFF00 (bits 19:16 undefined, not checked) and sets ZF for code/data and the system types it accepts (TSS, LDT, call
; gate), clearing ZF without a fault for null, out-of-limit, gate types it rejects,
; and descriptors whose DPL < max(CPL, RPL) (conforming code excepted); LSL returns the
; byte limit scaled by G and rejects gates; VERR/VERW follow readability/writability
; and privilege; ARPL raises the destination RPL and sets ZF only when it was lower;
; at CPL 3, LGDT, LIDT, LLDT, LTR, LMSW, CLTS, MOV to/from CR0/CR3, MOV DR, HLT,
; INVLPG, RDMSR, WRMSR and INVD raise #GP(0) while SGDT, SIDT, SLDT, STR and SMSW work.
;
; Follows Intel SDM Vol. 2 (LAR, LSL, VERR/VERW, ARPL, SGDT, SIDT, SLDT, STR, SMSW and
; the "Protected Mode Exceptions" of LGDT, LIDT, LLDT, LTR, LMSW, CLTS, MOV CR, MOV DR,
; HLT, INVLPG, RDMSR, WRMSR, INVD), Vol. 3A 5.9 (privileged instructions), 5.10.1-5.10.3
; (pointer validation: ARPL, LAR, LSL, VERR, VERW).

%define TEST_NAME "sysinsn"
%include "harness.inc"

SEL_BYTE_LIM    equ 0x80    ; data RW, byte granular, limit 0x12345
SEL_PAGE_LIM    equ 0x88    ; data RW, G=1, limit 0x00001 -> 0x1FFF
SEL_XO          equ 0x90    ; code execute-only
SEL_RO          equ 0x98    ; data read-only
SEL_LDT         equ 0xA0    ; LDT descriptor
SEL_CALLG       equ 0xA8    ; call gate (DPL 3)
SEL_INTG        equ 0xB0    ; interrupt-gate type in the GDT (invalid for LAR)
SEL_CONF        equ 0xB8    ; conforming readable code, DPL 0
SEL_D2          equ 0xC0    ; data RW, DPL 2
LDT_AREA        equ 0x6000
STORE           equ SCRATCH + 0x100
REC3            equ SCRATCH + 0x200

; LAR_CASE selector, expected ZF (1/0), expected value (if ZF), "what"
%macro LAR_CASE 4
        mov eax, 0xCCCCCCCC
        mov ebx, %1
        lar eax, ebx
        setz cl
        movzx ecx, cl
        CHECK_EQ ecx, %2, %4
%if %2
        and eax, 0x00F0FF00         ; bits 19:16 are undefined (SDM: masked by 00FxFF00H)
        CHECK_EQ eax, %3, "  ...and the access rights"
%else
        CHECK_EQ eax, 0xCCCCCCCC, "  ...and the destination is unchanged"
%endif
%endmacro

%macro LSL_CASE 4
        mov eax, 0xCCCCCCCC
        mov ebx, %1
        lsl eax, ebx
        setz cl
        movzx ecx, cl
        CHECK_EQ ecx, %2, %4
%if %2
        CHECK_EQ eax, %3, "  ...and the limit"
%endif
%endmacro

; ZF_CASE {instruction}, expected ZF, "what"
%macro ZF_CASE 3
        %1
        setz cl
        movzx ecx, cl
        CHECK_EQ ecx, %2, %3
%endmacro

; PRIV3 {instruction}, "what": #GP(0) at CPL 3
%macro PRIV3 2
        jmp %%over
%%code:
%%insn: %1
        int VEC_RETURN
%%over:
        RUN_RING3 %%code
        CHECK_EXC 13, 0, %%insn, %2
%endmacro

test_main:
        SET_DESC SEL_BYTE_LIM, 0, 0x12345, 0x92, FLG_32B
        SET_DESC SEL_PAGE_LIM, 0, 0x00001, 0x92, FLG_32
        SET_DESC SEL_XO, 0, 0xFFFFF, 0x98, FLG_32
        SET_DESC SEL_RO, 0, 0xFFFFF, 0x90, FLG_32
        SET_DESC SEL_LDT, LDT_AREA, 0x17, 0x82, FLG_16
        SET_GDT_GATE SEL_CALLG, 0x12345678, CODE_SEL, 0xEC, 3
        SET_GDT_GATE SEL_INTG, 0x12345678, CODE_SEL, 0x8E, 0
        SET_DESC SEL_CONF, 0, 0xFFFFF, 0x9E, FLG_32
        SET_DESC SEL_D2, 0, 0xFFFFF, 0xD2, FLG_32
        mov edi, LDT_AREA
        mov ecx, 6
        xor eax, eax
        rep stosd

        ; --- SGDT / SIDT / SLDT / STR / SMSW
        sgdt [STORE]
        movzx eax, word [STORE]
        CHECK_EQ eax, GDT_LIMIT, "SGDT stores the GDT limit"
        CHECK_EQ [STORE + 2], GDT_BASE, "SGDT stores the 32-bit GDT base"
        sidt [STORE + 8]
        movzx eax, word [STORE + 8]
        CHECK_EQ eax, IDT_LIMIT, "SIDT stores the IDT limit"
        CHECK_EQ [STORE + 10], IDT_BASE, "SIDT stores the 32-bit IDT base"
        mov ax, SEL_LDT
        lldt ax
        xor eax, eax
        sldt ax
        CHECK_EQ eax, SEL_LDT, "SLDT returns the LDTR selector"
        xor eax, eax
        str ax
        CHECK_EQ eax, TSS_SEL, "STR returns the TR selector"
        mov ebx, cr0
        and ebx, 0xFFFF
        xor eax, eax
        smsw ax
        CHECK_EQ eax, ebx, "SMSW returns CR0[15:0]"

        ; --- LAR
        LAR_CASE DATA_SEL, 1, 0x00C09300, "LAR of flat data: ZF=1"
        LAR_CASE CODE_SEL, 1, 0x00C09B00, "LAR of flat code: ZF=1"
        LAR_CASE SEL_BYTE_LIM, 1, 0x00409200, "LAR of byte-granular data (limit bits not reported)"
        LAR_CASE TSS_SEL, 1, 0x00008B00, "LAR of a busy TSS: ZF=1"
        LAR_CASE SEL_LDT, 1, 0x00008200, "LAR of an LDT descriptor: ZF=1"
        LAR_CASE SEL_CALLG, 1, 0x0030EC00, "LAR of a call gate: ZF=1"
        LAR_CASE SEL_INTG, 0, 0, "LAR of an interrupt-gate type: ZF=0, no fault"
        LAR_CASE 0, 0, 0, "LAR of the null selector: ZF=0"
        LAR_CASE 0x1000, 0, 0, "LAR of a selector beyond the GDT limit: ZF=0"
        LAR_CASE SEL_D2 | 3, 0, 0, "LAR with RPL3 of DPL2 data: ZF=0"
        LAR_CASE SEL_CONF | 3, 1, 0x00C09E00, "LAR with RPL3 of DPL0 conforming code: ZF=1"

        ; --- LSL
        LSL_CASE DATA_SEL, 1, 0xFFFFFFFF, "LSL of flat data: limit 4 GiB - 1"
        LSL_CASE SEL_BYTE_LIM, 1, 0x12345, "LSL of byte-granular data"
        LSL_CASE SEL_PAGE_LIM, 1, 0x1FFF, "LSL of G=1 limit 1: 0x1FFF"
        LSL_CASE TSS_SEL, 1, TSS_LIMIT, "LSL of the TSS"
        LSL_CASE SEL_CALLG, 0, 0, "LSL of a call gate: ZF=0"
        LSL_CASE 0, 0, 0, "LSL of the null selector: ZF=0"

        ; --- VERR / VERW
        mov bx, CODE_SEL
        ZF_CASE {verr bx}, 1, "VERR of readable code: ZF=1"
        mov bx, SEL_XO
        ZF_CASE {verr bx}, 0, "VERR of execute-only code: ZF=0"
        mov bx, SEL_RO
        ZF_CASE {verr bx}, 1, "VERR of read-only data: ZF=1"
        ZF_CASE {verw bx}, 0, "VERW of read-only data: ZF=0"
        mov bx, DATA_SEL
        ZF_CASE {verw bx}, 1, "VERW of writable data: ZF=1"
        mov bx, CODE_SEL
        ZF_CASE {verw bx}, 0, "VERW of code: ZF=0"
        mov bx, DATA_SEL | 3
        ZF_CASE {verr bx}, 0, "VERR with RPL3 of DPL0 data: ZF=0"
        mov bx, TSS_SEL
        ZF_CASE {verr bx}, 0, "VERR of a TSS: ZF=0"
        mov bx, 0
        ZF_CASE {verw bx}, 0, "VERW of the null selector: ZF=0"

        ; --- ARPL
        mov ax, 0x0010
        mov bx, 0x0003
        ZF_CASE {arpl ax, bx}, 1, "ARPL raising RPL 0 to 3: ZF=1"
        movzx eax, ax
        CHECK_EQ eax, 0x0013, "  ...and the destination RPL is 3"
        mov ax, 0x0012
        mov bx, 0x0001
        ZF_CASE {arpl ax, bx}, 0, "ARPL with a higher destination RPL: ZF=0"
        movzx eax, ax
        CHECK_EQ eax, 0x0012, "  ...and the destination is unchanged"
        mov word [STORE], 0x0028
        mov bx, 0x0002
        arpl [STORE], bx
        movzx eax, word [STORE]
        CHECK_EQ eax, 0x002A, "ARPL with a memory destination"

        ; --- CPL 3: what works and what is privileged
        RUN_RING3 r3_stores
        CHECK_RETURNED "CPL3 SGDT, SIDT, SLDT, STR, SMSW execute"
        CHECK_EQ [REC3 + 2], GDT_BASE, "  ...CPL3 SGDT stores the GDT base"
        CHECK_EQ [REC3 + 16], TSS_SEL, "  ...CPL3 STR returns TR"
        PRIV3 {lgdt [STORE]}, "CPL3 LGDT -> #GP(0)"
        PRIV3 {lidt [STORE]}, "CPL3 LIDT -> #GP(0)"
        PRIV3 {lldt ax}, "CPL3 LLDT -> #GP(0)"
        PRIV3 {ltr ax}, "CPL3 LTR -> #GP(0)"
        PRIV3 {lmsw ax}, "CPL3 LMSW -> #GP(0)"
        PRIV3 {clts}, "CPL3 CLTS -> #GP(0)"
        PRIV3 {mov eax, cr0}, "CPL3 MOV from CR0 -> #GP(0)"
        PRIV3 {mov cr3, eax}, "CPL3 MOV to CR3 -> #GP(0)"
        PRIV3 {mov dr0, eax}, "CPL3 MOV to DR0 -> #GP(0)"
        PRIV3 {hlt}, "CPL3 HLT -> #GP(0)"
        PRIV3 {invlpg [0]}, "CPL3 INVLPG -> #GP(0)"
        PRIV3 {rdmsr}, "CPL3 RDMSR -> #GP(0)"
        PRIV3 {wrmsr}, "CPL3 WRMSR -> #GP(0)"
        PRIV3 {invd}, "CPL3 INVD -> #GP(0)"

        xor eax, eax
        lldt ax
        TEST_END

r3_stores:
        sgdt [REC3]
        sidt [REC3 + 8]
        xor eax, eax
        str ax
        mov [REC3 + 16], eax
        sldt ax
        mov [REC3 + 20], eax
        smsw ax
        mov [REC3 + 24], eax
        int VEC_RETURN

HARNESS_END
