; v86_iopl: virtual-8086 mode, IOPL-sensitive instructions and the I/O permission bitmap.
;
; Proves: IRET with EFLAGS.VM=1 from CPL 0 enters V86 mode at CS:IP with segments
; loaded as paragraph values; with IOPL < 3 (and CR4.VME=0), CLI, STI, PUSHF, POPF,
; INT n and IRET raise #GP(0) in the protected-mode handler with the V86 CS:IP and a
; frame holding VM=1, SS:ESP and ES, DS, FS, GS; with IOPL = 3 they execute, POPF cannot
; change IOPL, and INT n goes through a DPL-3 IDT gate to CPL 0 with DS/ES/FS/GS pushed
; and then zeroed; IN/OUT in V86 mode are checked against the TSS I/O permission bitmap
; whatever IOPL is (every byte of a word access must be allowed), and at CPL 3 in
; protected mode only when CPL > IOPL; a bitmap byte beyond the TSS limit denies.
;
; Follows Intel SDM Vol. 3A 20.2 (virtual-8086 mode: 20.2.1-20.2.7, 20.2.8 I/O), 20.3
; (interrupt and exception handling in V86 mode, Table 20-2 with VME=0), Vol. 1 19.5
; (I/O permission bit map), 19.5.1-19.5.2; Vol. 2 IN, OUT, CLI, STI, PUSHF, POPF, INT n
; and IRET "Virtual-8086 Mode Exceptions".

%define TEST_NAME "v86_iopl"
%include "harness.inc"

V86_STACK       equ 0x7000      ; SS=0, SP=0x7000
V86_DATA        equ 0x6F00      ; where V86 code stores results (DS=0)
VEC_SEGS        equ 0x40        ; DPL3 gate to segs_handler (records the zeroed segments)
VEC_DPL0        equ 0x41        ; DPL0 interrupt gate
REC             equ SCRATCH + 0x100

; RUN_V86 label, eflags: IRET into V86 mode at F000:label, SS:SP = 0:V86_STACK,
; DS = 0, ES = 0x1234, FS = 0x2345, GS = 0x3456
%macro RUN_V86 2
        TRY
        push dword 0x3456           ; GS
        push dword 0x2345           ; FS
        push dword 0                ; DS
        push dword 0x1234           ; ES
        push dword 0                ; SS
        push dword V86_STACK        ; ESP
        push dword EFL_VM | (%2) | 2
        push dword 0xF000           ; CS
        push dword R16(%1)          ; EIP
        iretd
        CATCH
%endmacro

; V86_CASE label, iopl, "what": expects #GP(0) at F000:label.insn
%macro V86_GP 3
        RUN_V86 %1, %2
        CHECK_EXC 13, 0, R16(%1.insn), %3
        CHECK_EQ [exc_cs], 0xF000, "  ...with the V86 CS in the frame"
%endmacro

test_main:
        SET_IDT_GATE VEC_SEGS, segs_handler, CODE_SEL, 0xEE
        ; I/O bitmap: ports 0x80 and 0x81 allowed, everything else denied
        mov byte [TSS_IOMAP + 0x80 / 8], 0xFC

        ; --- entering V86 mode
        RUN_V86 v86_enter, 0
        CHECK_EXC 13, 0, R16(v86_enter.insn), "IRET to VM=1 runs V86 code (which then faults on CLI)"
        mov eax, [exc_eflags]
        and eax, ~EFL_RF            ; RF in a fault frame is the debug test's business
        CHECK_EQ eax, EFL_VM | 2, "the #GP frame's EFLAGS has VM=1, IOPL=0"
        CHECK_EQ [exc_frame + 0], V86_STACK, "the frame holds the V86 SP"
        CHECK_EQ [exc_frame + 4], 0, "the frame holds the V86 SS"
        CHECK_EQ [exc_frame + 8], 0x1234, "the frame holds the V86 ES"
        CHECK_EQ [exc_frame + 16], 0x2345, "the frame holds the V86 FS"
        CHECK_EQ [exc_frame + 20], 0x3456, "the frame holds the V86 GS"
        CHECK_EQ [exc_handler_esp], TSS_ESP0 - 36, "the handler runs on TSS.ESP0 with a 9-dword frame"
        movzx eax, word [V86_DATA]
        CHECK_EQ eax, 0x4321, "the V86 store through DS=0 reached linear 0x6F00"
        movzx eax, word [0x12340 + 2]
        CHECK_EQ eax, 0xBEEF, "the V86 store through ES=0x1234 reached linear 0x12342"

        ; --- IOPL-sensitive instructions with IOPL 0
        V86_GP v86_cli, 0,   "V86 IOPL0: CLI -> #GP(0)"
        V86_GP v86_sti, 0,   "V86 IOPL0: STI -> #GP(0)"
        V86_GP v86_pushf, 0, "V86 IOPL0: PUSHF -> #GP(0)"
        V86_GP v86_popf, 0,  "V86 IOPL0: POPF -> #GP(0)"
        V86_GP v86_int, 0,   "V86 IOPL0: INT n -> #GP(0)"
        V86_GP v86_iret, 0,  "V86 IOPL0: IRET -> #GP(0)"
        CHECK_EQ [exc_frame], V86_STACK - 6, "  ...and the faulting IRET left SP unchanged"
        V86_GP v86_pushf, EFL_IOPL3 & 0x1000, "V86 IOPL1: PUSHF -> #GP(0)"

        ; --- I/O in V86 mode: the bitmap decides, IOPL does not
        V86_GP v86_in_ok, 0, "V86: IN from ports 0x80 and 0x81 (allowed in the bitmap) pass"
        V86_GP v86_in_denied, 0, "V86: IN AL, 0x82 (denied in the bitmap) -> #GP(0)"
        V86_GP v86_in_word, 0, "V86: IN AX, 0x81 (0x82 denied) -> #GP(0)"
        V86_GP v86_out_denied, 0, "V86: OUT DX, AL to port 0x3F8 (denied) -> #GP(0)"
        RUN_V86 v86_io_iopl3, EFL_IOPL3
        CHECK_EXC 13, 0, R16(v86_io_iopl3.insn), "V86 IOPL3: IN from a denied port still -> #GP(0)"

        ; --- IOPL 3: CLI/STI/PUSHF/POPF execute, INT n goes through the IDT
        RUN_V86 v86_iopl3, EFL_IOPL3
        CHECK_EXC VEC_SEGS, 0, R16(v86_iopl3.after), "V86 IOPL3: CLI, STI, PUSHF, POPF run; INT n reaches a DPL3 gate"
        CHECK_EQ [exc_cs], 0xF000, "INT from V86: the pushed CS is the V86 CS"
        CHECK_EQ [exc_frame + 12], 0x0500, "INT from V86: DS pushed"
        CHECK_EQ [exc_frame + 8], 0x1234, "INT from V86: ES pushed"
        CHECK_EQ [REC + 0], 0, "INT from V86: DS is zeroed in the handler"
        CHECK_EQ [REC + 4], 0, "INT from V86: ES is zeroed in the handler"
        CHECK_EQ [REC + 8], 0, "INT from V86: FS is zeroed in the handler"
        CHECK_EQ [REC + 12], 0, "INT from V86: GS is zeroed in the handler"
        CHECK_EQ [REC + 16], 0, "INT from V86: VM is clear in the handler"
        movzx eax, word [V86_DATA]
        and eax, 0x3000
        CHECK_EQ eax, 0x3000, "V86 IOPL3: PUSHF pushes IOPL=3"
        movzx eax, word [V86_DATA + 2]
        and eax, 0x3000
        CHECK_EQ eax, 0x3000, "V86 IOPL3: POPF of IOPL=0 leaves IOPL=3"
        RUN_V86 v86_int_dpl0, EFL_IOPL3
        CHECK_EXC 13, VEC_DPL0 * 8 + 2, R16(v86_int_dpl0.insn), "V86 IOPL3: INT through a DPL0 gate -> #GP(n*8+2)"

        ; --- I/O at CPL 3 in protected mode
        RUN_RING3 r3_in_ok
        CHECK_RETURNED "CPL3 IOPL0: IN from an allowed port passes"
        RUN_RING3 r3_in_denied
        CHECK_EXC 13, 0, r3_in_denied.insn, "CPL3 IOPL0: IN from a denied port -> #GP(0)"
        RUN_RING3 r3_in_denied, EFL_IOPL3 | 2
        CHECK_RETURNED "CPL3 IOPL3: IN from a port denied in the bitmap passes (bitmap not used)"
        RUN_RING3 r3_cli
        CHECK_EXC 13, 0, r3_cli.insn, "CPL3 IOPL0: CLI -> #GP(0)"

        ; --- a bitmap byte beyond the TSS limit denies the port
        mov byte [TSS_IOMAP + 0x400 / 8], 0x00      ; ports 0x400-0x407 allowed in memory...
        and byte [GDT_BASE + TSS_SEL + 5], 0xFD     ; ...but the TSS limit ends before them
        mov word [GDT_BASE + TSS_SEL], 0x68 + 0x80
        mov ax, TSS_SEL
        ltr ax
        RUN_RING3 r3_in_400
        CHECK_EXC 13, 0, r3_in_400.insn, "CPL3: IN from a port whose bitmap bit is beyond the TSS limit -> #GP(0)"
        and byte [GDT_BASE + TSS_SEL + 5], 0xFD
        mov word [GDT_BASE + TSS_SEL], TSS_LIMIT & 0xFFFF
        mov ax, TSS_SEL
        ltr ax
        RUN_RING3 r3_in_400
        CHECK_RETURNED "CPL3: the same port passes with the full TSS limit"

        TEST_END

; segs_handler (DPL3 gate, entered from V86): record DS/ES/FS/GS and VM, then let the
; harness record the frame and recover
segs_handler:
        push eax
        xor eax, eax
        mov ax, ds
        mov [ss:REC + 0], eax
        mov ax, es
        mov [ss:REC + 4], eax
        mov ax, fs
        mov [ss:REC + 8], eax
        mov ax, gs
        mov [ss:REC + 12], eax
        pushfd
        pop eax
        and eax, EFL_VM
        mov [ss:REC + 16], eax
        pop eax
        jmp harness_stubs + VEC_SEGS * 16

; ---- ring 3 (protected mode)
r3_in_ok:
        in al, 0x80
        in ax, 0x80
        int VEC_RETURN
r3_in_denied:
.insn:  in al, 0x82
        int VEC_RETURN
r3_cli:
.insn:  cli
        int VEC_RETURN
r3_in_400:
        mov dx, 0x400
.insn:  in al, dx
        int VEC_RETURN

; ---- V86 code (16-bit, CS = 0xF000)
        bits 16
v86_enter:
        mov word [V86_DATA], 0x4321
        mov word [es:2], 0xBEEF
.insn:  cli
v86_cli:
.insn:  cli
v86_sti:
.insn:  sti
v86_pushf:
.insn:  pushf
v86_popf:
        push word 0
.insn:  popf
v86_int:
.insn:  int 0x21
v86_iret:
        push word 0
        push word 0xF000
        push word R16(v86_cli)
.insn:  iret
v86_in_ok:
        in al, 0x80
        in al, 0x81
        in ax, 0x80
.insn:  cli
v86_in_denied:
.insn:  in al, 0x82
v86_in_word:
.insn:  in ax, 0x81
v86_out_denied:
        mov dx, 0x3F8
.insn:  out dx, al
v86_io_iopl3:
.insn:  in al, 0x82
        int VEC_SEGS
v86_iopl3:
        cli
        sti
        cli
        pushf
        pop ax
        mov [V86_DATA], ax
        push word 0x0002            ; IOPL=0 in the image
        popf
        pushf
        pop ax
        mov [V86_DATA + 2], ax
        mov ax, 0x0500
        mov ds, ax
        int VEC_SEGS
.after:
v86_int_dpl0:
.insn:  int VEC_DPL0
        bits 32

HARNESS_END
