; int_gates: interrupt and trap gates, software-interrupt privilege checks, IDT faults.
;
; Proves: an interrupt gate clears IF and a trap gate keeps it, both clear NT and push
; the old EFLAGS; INT n from CPL 3 through a gate with DPL < 3 raises #GP(n*8+2), also
; for INT3 and INTO, while processor exceptions ignore the gate DPL; INT n through a
; DPL-3 gate from CPL 3 switches to TSS.SS0:ESP0 and pushes SS, ESP, EFLAGS, CS, EIP;
; IRET back to CPL 3 nulls DS/ES holding DPL-0 selectors; a vector beyond the IDT limit
; gives #GP(n*8+2), a not-present gate #NP(n*8+2), a gate of a wrong type #GP(n*8+2), a
; gate to a non-code segment #GP(sel); an exception raised while delivering a processor
; exception sets the EXT bit (#NP(6*8+2+1) for #UD through a not-present gate).
;
; Follows Intel SDM Vol. 3A 6.10-6.14 (IDT, gates, exception and interrupt handling,
; stack switching, IF/TF/NT/RF handling), 6.12.1.1 (protection of exception and
; interrupt handlers: the DPL check for INT n, INT3, INTO only), 6.13 (error code: EXT,
; IDT, TI), 6.15 (#GP, #NP); Vol. 2 INT n/INTO/INT3/INT1 and IRET pseudocode.
;
; QEMU TCG (7.2) does not set EXT for a fault raised while delivering a processor
; exception (the last check fails there with error 0x32); Bochs 2.7 sets it (0x33).

%define TEST_NAME "int_gates"
%include "harness.inc"

VEC_INTG        equ 0x40    ; interrupt gate, DPL0 -> rec_handler
VEC_TRAPG       equ 0x41    ; trap gate, DPL0 -> rec_handler
VEC_DPL0        equ 0x42    ; interrupt gate, DPL0 (for the CPL3 check)
VEC_NP          equ 0x43    ; not present
VEC_DATASEL     equ 0x44    ; gate whose selector is a data segment
VEC_IRET3       equ 0x45    ; DPL3 gate -> iret3_handler
VEC_BADTYPE     equ 0x46    ; a call-gate type in the IDT
VEC_BEYOND      equ 0x50    ; beyond the shortened IDT limit

REC             equ SCRATCH + 0x100

test_main:
        SET_IDT_GATE VEC_INTG, rec_handler, CODE_SEL, 0x8E
        SET_IDT_GATE VEC_TRAPG, rec_handler, CODE_SEL, 0x8F
        SET_IDT_GATE VEC_NP, rec_handler, CODE_SEL, 0x0E
        SET_IDT_GATE VEC_DATASEL, rec_handler, DATA_SEL, 0x8E
        SET_IDT_GATE VEC_IRET3, iret3_handler, CODE_SEL, 0xEE
        SET_IDT_GATE VEC_BADTYPE, rec_handler, CODE_SEL, 0x8C

        ; --- interrupt gate vs trap gate: IF (the frame keeps the caller's EFLAGS)
        sti
        int VEC_INTG
        cli
        CHECK_EQ [REC + 0], 0, "interrupt gate: IF is 0 in the handler"
        CHECK_EQ [REC + 4], EFL_IF, "interrupt gate: the pushed EFLAGS has IF=1"
        sti
        int VEC_TRAPG
        cli
        CHECK_EQ [REC + 0], EFL_IF, "trap gate: IF stays 1 in the handler"
        CHECK_EQ [REC + 4], EFL_IF, "trap gate: the pushed EFLAGS has IF=1"
        ; NT: cleared on entry, restored by IRET from the frame
        pushfd
        or dword [esp], EFL_NT
        popfd
        int VEC_TRAPG
        pushfd
        pop ebx
        pushfd
        and dword [esp], ~EFL_NT
        popfd
        CHECK_EQ [REC + 8], 0, "trap gate: NT is 0 in the handler"
        CHECK_EQ [REC + 12], EFL_NT, "trap gate: the pushed EFLAGS has NT=1"
        and ebx, EFL_NT
        CHECK_EQ ebx, EFL_NT, "IRET (NT=0 in the handler) restored NT=1 from the frame"

        ; --- software interrupts from CPL 3 and the gate DPL
        RUN_RING3 r3_int_dpl0
        CHECK_EXC 13, VEC_DPL0 * 8 + 2, r3_int_dpl0.insn, "CPL3 INT 0x42 through a DPL0 gate -> #GP(0x42*8+2)"
        RUN_RING3 r3_int3
        CHECK_EXC 13, 3 * 8 + 2, r3_int3.insn, "CPL3 INT3 through a DPL0 gate -> #GP(3*8+2)"
        RUN_RING3 r3_into
        CHECK_EXC 13, 4 * 8 + 2, r3_into.insn, "CPL3 INTO (OF=1) through a DPL0 gate -> #GP(4*8+2)"
        RUN_RING3 r3_into_nof
        CHECK_RETURNED "INTO with OF=0 does nothing"
        RUN_RING3 r3_div0
        CHECK_EXC 0, 0, r3_div0.insn, "CPL3 #DE is delivered through a DPL0 gate (no DPL check)"
        CHECK_EQ [exc_frame + 4], UDATA_SEL, "the #DE frame holds the ring-3 SS"

        ; --- INT through a DPL3 gate from CPL 3: stack switch and frame
        RUN_RING3 r3_int_return
        CHECK_RETURNED "CPL3 INT through a DPL3 gate is delivered"
        CHECK_EQ [exc_handler_esp], TSS_ESP0 - 20, "handler stack: TSS.ESP0 minus SS, ESP, EFLAGS, CS, EIP"
        CHECK_EQ [exc_eip], r3_int_return.after, "pushed EIP is the instruction after INT"
        CHECK_EQ [exc_cs], UCODE_SEL, "pushed CS is the ring-3 code"
        CHECK_EQ [exc_frame + 0], USER_STACK_TOP - 4, "pushed ESP is the ring-3 ESP"
        CHECK_EQ [exc_frame + 4], UDATA_SEL, "pushed SS is the ring-3 stack"

        ; --- IRET to CPL 3 nulls data segment registers with DPL < 3
        RUN_RING3 r3_iret_nulls
        CHECK_RETURNED "CPL3 INT to a handler that IRETs back"
        CHECK_EQ [REC + 16], 0, "IRET to CPL3 nulled DS (DPL0)"
        CHECK_EQ [REC + 20], 0, "IRET to CPL3 nulled ES (DPL0)"
        CHECK_EQ [REC + 24], UDATA_SEL, "IRET to CPL3 kept FS (DPL3)"
        CHECK_EQ [REC + 28], USER_STACK_TOP, "IRET restored the ring-3 ESP"

        ; --- IDT faults (CPL 0)
        TRY
.np:    int VEC_NP
        CATCH
        CHECK_EXC 11, VEC_NP * 8 + 2, .np, "INT through a not-present gate -> #NP(n*8+2)"
        TRY
.ds:    int VEC_DATASEL
        CATCH
        CHECK_EXC 13, DATA_SEL, .ds, "INT through a gate to a data segment -> #GP(sel)"
        TRY
.bt:    int VEC_BADTYPE
        CATCH
        CHECK_EXC 13, VEC_BADTYPE * 8 + 2, .bt, "INT through a call-gate type in the IDT -> #GP(n*8+2)"
        lidt [short_idt]
        TRY
.bey:   int VEC_BEYOND
        CATCH
        lidt [harness_idt_ptr]
        CHECK_EXC 13, VEC_BEYOND * 8 + 2, .bey, "INT beyond the IDT limit -> #GP(n*8+2)"
        SET_IDT_GATE 6, harness_stubs + 6 * 16, CODE_SEL, 0x0E
        TRY
.ud:    ud2
        CATCH
        SET_IDT_GATE 6, harness_stubs + 6 * 16, CODE_SEL, 0x8E
        CHECK_EXC 11, 6 * 8 + 2 + 1, .ud, "#UD through a not-present gate -> #NP(6*8+2+EXT)"

        TEST_END

short_idt:
        dw VEC_BEYOND * 8 - 1       ; vectors 0..0x4F
        dd IDT_BASE

; rec_handler: record IF and NT now and in the pushed EFLAGS, IRET
rec_handler:
        push eax
        pushfd
        pop eax
        push eax
        and eax, EFL_IF
        mov [REC + 0], eax
        pop eax
        and eax, EFL_NT
        mov [REC + 8], eax
        mov eax, [esp + 12]         ; pushed EFLAGS
        push eax
        and eax, EFL_IF
        mov [REC + 4], eax
        pop eax
        and eax, EFL_NT
        mov [REC + 12], eax
        pop eax
        iretd

; iret3_handler: entered from CPL 3, loads DPL-0 DS/ES, DPL-3 FS, IRETs back
iret3_handler:
        mov ax, DATA_SEL
        mov ds, ax
        mov es, ax
        mov ax, UDATA_SEL
        mov fs, ax
        iretd

; ---- ring 3 ----
r3_int_dpl0:
.insn:  int VEC_DPL0
        int VEC_RETURN
r3_int3:
.insn:  int3
        int VEC_RETURN
r3_into:
        mov al, 0x7F
        add al, 1                   ; OF=1
.insn:  into
        int VEC_RETURN
r3_into_nof:
        xor eax, eax                ; OF=0
        into
        int VEC_RETURN
r3_div0:
        xor edx, edx
        xor ecx, ecx
        mov eax, 1
.insn:  div ecx
        int VEC_RETURN
r3_int_return:
        push eax
        int VEC_RETURN
.after:
r3_iret_nulls:
        int VEC_IRET3
        xor eax, eax
        mov ax, ds
        mov [ss:REC + 16], eax
        mov ax, es
        mov [ss:REC + 20], eax
        mov ax, fs
        mov [ss:REC + 24], eax
        mov [ss:REC + 28], esp
        int VEC_RETURN

HARNESS_END
