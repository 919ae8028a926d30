; debug_regs: debug registers, breakpoints, single-step and INT1.
;
; Proves: an execute breakpoint (DR7 R/W=00, LEN=00) in DR0-DR3 raises a fault-class
; #DB before the instruction runs (saved EIP = the instruction) and sets B0-B3 in DR6;
; returning with RF=1 in the frame lets the instruction execute once without a new #DB;
; data breakpoints raise a trap-class #DB after the access completes (saved EIP = the
; next instruction): write breakpoints (R/W=01) ignore reads, read/write breakpoints
; (R/W=11) catch reads, LEN selects 1/2/4 bytes and any overlap triggers, L and G
; enable bits both work, a disabled breakpoint does not fire; TF single-steps one
; instruction at a time with DR6.BS, and the step after MOV SS is held until the next
; instruction; DR7.GD makes a MOV to or from a debug register raise #DB with DR6.BD,
; saved EIP = that MOV, and GD cleared; INT1 (ICEBP, F1) raises a trap-class #DB that
; bypasses the gate DPL check at CPL 3; MOV DRn at CPL 3 is #GP(0); with CR4.DE=1,
; DR4/DR5 references are #UD, and with DE=0 they alias DR6/DR7.
;
; Follows Intel SDM Vol. 3A 17.2 (debug registers: DR0-DR3, DR6, DR7, DR4/DR5 aliasing),
; 17.3.1 (debug exception conditions: instruction breakpoint fault and RF, data
; breakpoint trap, general detect, single-step, task switch), 6.8.3 (MOV SS and the
; delayed single-step), Vol. 2 INT1 / MOV DR; AMD APM Vol. 2 13.1 agrees.
;
; QEMU TCG (7.2) does not implement DR7.GD (checks 34-36 fail) and raises #UD for ICEBP
; (checks 37-38 fail); Bochs 2.7 passes every check.

%define TEST_NAME "debug_regs"
%include "harness.inc"

DATA_BP         equ SCRATCH + 0x200     ; 16-byte aligned data for the breakpoints
STEP_LOG        equ SCRATCH + 0x300     ; EIPs recorded by the single-step handler
DB_COUNT        equ SCRATCH + 0x3F0
DR6_MASK        equ 0x0000E00F          ; B0-B3, BD, BS, BT

%macro SET_DR7 1
        mov eax, %1
        mov dr7, eax
%endmacro
%macro CLEAR_DR6 0
        xor eax, eax
        mov dr6, eax
%endmacro
%macro DR6_BITS 0               ; EAX = DR6 & DR6_MASK
        mov eax, dr6
        and eax, DR6_MASK
%endmacro

; DATA_CASE dr7, {instruction}, fires (1/0), dr6 bits, "what"
%macro DATA_CASE 5
        CLEAR_DR6
        SET_DR7 %1
        TRY
%%insn: %2
%%next:
        CATCH
        push eax
        SET_DR7 0
        pop eax
%if %3
        CHECK_EXC 1, 0, %%next, %5
        DR6_BITS
        CHECK_EQ eax, %4, "  ...and DR6 shows which breakpoint"
%else
        CHECK_NOEXC %5
%endif
%endmacro

test_main:
        mov dword [DATA_BP], 0
        mov dword [DATA_BP + 4], 0
        mov dword [DATA_BP + 8], 0

        ; --- execute breakpoints
        mov eax, exec_target
        mov dr0, eax
        CLEAR_DR6
        SET_DR7 0x00000001                      ; L0, R/W0=00, LEN0=00
        TRY
        call exec_target
        CATCH
        SET_DR7 0
        CHECK_EXC 1, 0, exec_target, "DR0 execute breakpoint: #DB before the instruction (EIP = it)"
        DR6_BITS
        CHECK_EQ eax, 1, "  ...with DR6.B0"
        xor eax, eax                            ; DR0 no longer matches (a matching
        mov dr0, eax                            ; disabled breakpoint may set B0)
        mov eax, exec_target
        mov dr3, eax
        CLEAR_DR6
        SET_DR7 0x00000080                      ; G3
        TRY
        call exec_target
        CATCH
        SET_DR7 0
        CHECK_EXC 1, 0, exec_target, "DR3 execute breakpoint enabled by G3"
        DR6_BITS
        CHECK_EQ eax, 8, "  ...with DR6.B3"
        ; RF: the handler returns with RF=1; the instruction runs once, no second #DB
        SET_IDT_GATE 1, db_rf_handler, CODE_SEL, 0x8E
        mov dword [DB_COUNT], 0
        mov eax, exec_target
        mov dr0, eax
        SET_DR7 0x00000001
        xor ebx, ebx
        call exec_target                        ; sets EBX = 0x5A
        SET_DR7 0
        SET_IDT_GATE 1, harness_stubs + 1 * 16, CODE_SEL, 0x8E
        CHECK_EQ [DB_COUNT], 1, "returning with RF=1 runs the instruction without a second #DB"
        CHECK_EQ ebx, 0x5A, "  ...and the instruction did run"

        ; --- data breakpoints (DR1 at DATA_BP + 4)
        mov eax, DATA_BP + 4
        mov dr1, eax
        ; L1 = bit 2; R/W1 = bits 21:20; LEN1 = bits 23:22
        DATA_CASE 0x00D00004, {mov byte [DATA_BP + 6], 1},    1, 2, "DR1 write, 4 bytes: a byte write inside -> #DB after it (EIP = next)"
        CHECK_EQ [DATA_BP + 4], 0x00010000, "  ...and the write was done"
        DATA_CASE 0x00D00004, {mov eax, [DATA_BP + 4]},       0, 0, "DR1 write breakpoint: a read does not fire"
        DATA_CASE 0x00F00004, {mov eax, [DATA_BP + 4]},       1, 2, "DR1 read/write, 4 bytes: a dword read fires"
        DATA_CASE 0x00F00004, {mov ax, [DATA_BP + 3]},        1, 2, "DR1 read/write: a word read overlapping its first byte fires"
        DATA_CASE 0x00F00004, {mov eax, [DATA_BP + 8]},       0, 0, "DR1 read/write: a read of the next dword does not fire"
        DATA_CASE 0x00100004, {mov byte [DATA_BP + 5], 1},    0, 0, "DR1 write, 1 byte at +4: a write to +5 does not fire"
        DATA_CASE 0x00100004, {mov byte [DATA_BP + 4], 1},    1, 2, "DR1 write, 1 byte at +4: a write to +4 fires"
        DATA_CASE 0x00500004, {mov byte [DATA_BP + 5], 1},    1, 2, "DR1 write, 2 bytes: a write to +5 fires"
        DATA_CASE 0x00500008, {mov word [DATA_BP + 5], 1},    1, 2, "DR1 write enabled by G1 fires"
        DATA_CASE 0x00D00000, {mov dword [DATA_BP + 4], 1},   0, 0, "DR1 write with L1=G1=0 does not fire"
        DATA_CASE 0x00D00004, {push dword [DATA_BP + 4]},     0, 0, "DR1 write: PUSH reading it does not fire"
        add esp, 4
        mov eax, DATA_BP + 4
        mov dr2, eax
        DATA_CASE 0x0D000010, {mov esi, DATA_BP + 4},         0, 0, "DR2 write: an instruction not touching it does not fire"
        DATA_CASE 0x0D000010, {xchg [DATA_BP + 4], ecx},      1, 4, "DR2 write: XCHG with it fires, DR6.B2"

        ; --- single-step
        SET_IDT_GATE 1, db_step_handler, CODE_SEL, 0x8E
        mov dword [DB_COUNT], 0
        CLEAR_DR6
        pushfd
        or dword [esp], EFL_TF
        popfd
step1:  nop                                 ; the first trap comes after this
step2:  mov eax, 1
step3:  mov ebx, 2
step4:
        ; the handler cleared TF after 3 steps
        SET_IDT_GATE 1, harness_stubs + 1 * 16, CODE_SEL, 0x8E
        CHECK_EQ [DB_COUNT], 3, "TF: one #DB per instruction (3 before the handler cleared TF)"
        CHECK_EQ [STEP_LOG + 0], step2, "TF: the first #DB comes after the instruction following POPF"
        CHECK_EQ [STEP_LOG + 4], step3, "TF: the second #DB after the next instruction"
        CHECK_EQ [STEP_LOG + 8], step4, "TF: the third #DB after the next instruction"
        CHECK_EQ [STEP_LOG + 16], 0x4000, "TF: DR6.BS is set"
        ; MOV SS holds the single-step trap for one instruction
        SET_IDT_GATE 1, db_step_handler, CODE_SEL, 0x8E
        mov dword [DB_COUNT], 2                 ; the handler stops after one more
        CLEAR_DR6
        mov cx, ss
        pushfd
        or dword [esp], EFL_TF
        popfd
        mov ss, cx                              ; step trap after this is held ...
ss1:    nop                                     ; ... until after this one
ss2:    nop
        SET_IDT_GATE 1, harness_stubs + 1 * 16, CODE_SEL, 0x8E
        CHECK_EQ [STEP_LOG + 8], ss2, "TF: the #DB after MOV SS is delayed past the next instruction"

        ; --- general detect
        CLEAR_DR6
        SET_DR7 0x00002000                      ; GD
        TRY
.gd:    mov eax, dr0
        CATCH
        mov ebx, dr7
        SET_DR7 0
        CHECK_EXC 1, 0, .gd, "DR7.GD: MOV from DR0 -> #DB before it (EIP = the MOV)"
        DR6_BITS
        CHECK_EQ eax, 0x2000, "  ...with DR6.BD"
        and ebx, 0x2000
        CHECK_EQ ebx, 0, "  ...and GD cleared on #DB entry"

        ; --- INT1 / ICEBP
        TRY
        db 0xF1
.after_f1:
        CATCH
        CHECK_EXC 1, 0, .after_f1, "INT1 (F1) raises #DB as a trap (EIP = next)"
        RUN_RING3 r3_icebp
        CHECK_EXC 1, 0, r3_icebp.after, "CPL3 INT1 is delivered through the DPL0 #DB gate (no DPL check)"
        RUN_RING3 r3_int01
        CHECK_EXC 13, 1 * 8 + 2, r3_int01.insn, "CPL3 INT 01 (CD 01) is checked against the gate DPL -> #GP(1*8+2)"

        ; --- privilege and DR4/DR5
        RUN_RING3 r3_mov_dr
        CHECK_EXC 13, 0, r3_mov_dr.insn, "CPL3 MOV from DR7 -> #GP(0)"
        mov eax, 0x00000401
        mov dr7, eax
        mov eax, dr5
        and eax, 0xFF
        push eax
        xor eax, eax
        mov dr7, eax
        pop eax
        CHECK_EQ eax, 0x01, "CR4.DE=0: DR5 reads DR7"
        mov eax, cr4
        or eax, 1 << 3                          ; DE
        mov cr4, eax
        TRY
.dr4:   mov eax, dr4
        CATCH
        mov eax, cr4
        and eax, ~(1 << 3)
        mov cr4, eax
        CHECK_EXC 6, 0, .dr4, "CR4.DE=1: MOV from DR4 -> #UD"

        TEST_END

exec_target:
        mov ebx, 0x5A
        ret

; #DB handler that resumes with RF=1
db_rf_handler:
        inc dword [DB_COUNT]
        or dword [esp + 8], EFL_RF
        iretd

; #DB handler for single-step: log EIP and DR6.BS, clear TF after 3 steps
db_step_handler:
        push eax
        push ebx
        mov ebx, [DB_COUNT]
        mov eax, [esp + 8]
        mov [STEP_LOG + ebx * 4], eax
        mov eax, dr6
        and eax, 0x4000
        mov [STEP_LOG + 16], eax
        inc dword [DB_COUNT]
        cmp dword [DB_COUNT], 3
        jb .more
        and dword [esp + 16], ~EFL_TF
.more:  pop ebx
        pop eax
        iretd

r3_icebp:
        db 0xF1
.after: int VEC_RETURN
r3_int01:
.insn:  int 0x01
        int VEC_RETURN
r3_mov_dr:
.insn:  mov eax, dr7
        int VEC_RETURN

HARNESS_END
