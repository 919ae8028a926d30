; task_switch: hardware task switches with 32-bit TSSs.
;
; Proves: JMP to a TSS descriptor saves the current state into the old TSS (EIP after
; the JMP, general registers), loads the new task's registers, segments and EFLAGS,
; clears the old task's busy bit, sets the new one's, leaves NT clear and the back-link
; unwritten, sets CR0.TS and loads TR; CALL to a TSS (directly, through a GDT task gate,
; from CPL 3 through a DPL-3 task gate, or INT n through an IDT task gate) sets NT in
; the new task, writes the back-link and keeps the old task busy; IRET with NT=1 returns
; through the back-link, clears the returning task's busy bit and the NT bit in its
; saved EFLAGS image; a task switch to a busy TSS is #GP(sel), a TSS with limit < 0x67
; #TS(sel), a not-present TSS #NP(sel), a DPL-0 task gate from CPL 3 #GP(gate), and IRET
; with NT=1 and a back-link to an available TSS #TS(link).
;
; Follows Intel SDM Vol. 3A chapter 7 (7.2 task management data structures, 7.3 task
; switching, 7.4 task linking: busy flag and NT, Table 7-1 exception conditions and
; 7.5 task address space); Vol. 2 JMP, CALL, IRET, INT n pseudocode (task gates).

%define TEST_NAME "task_switch"
%include "harness.inc"

SEL_TSSA        equ 0x80
SEL_TSSB        equ 0x88
GATE_A3         equ 0x90    ; task gate -> SEL_TSSA, DPL3
GATE_A0         equ 0x98    ; task gate -> SEL_TSSA, DPL0
SEL_TSS_SHORT   equ 0xA0    ; TSS descriptor with limit 0x50
SEL_TSS_NP      equ 0xA8    ; not-present TSS descriptor
VEC_TASKB       equ 0x40    ; IDT task gate -> SEL_TSSB
VEC_TASKMAIN    equ 0x41    ; IDT task gate -> TSS_SEL (busy while main runs)

TSSA            equ 0x6000
TSSB            equ 0x6100
TSSC            equ 0x6200
STACK_A         equ 0x70000
STACK_B         equ 0x6F000
REC             equ SCRATCH + 0x400

; INIT_TSS base, eip, esp: a CPL-0 flat task with EFLAGS=2, EAX=0xA0A0A0A0, EBX=base
%macro INIT_TSS 3
        mov edi, %1
        mov ecx, 0x68 / 4
        xor eax, eax
        rep stosd
        mov dword [%1 + TSS_EIP], %2
        mov dword [%1 + TSS_ESP], %3
        mov dword [%1 + TSS_EFLAGS], 2
        mov dword [%1 + TSS_EAX], 0xA0A0A0A0
        mov dword [%1 + TSS_EBX], %1
        mov dword [%1 + TSS_CS], CODE_SEL
        mov dword [%1 + TSS_SS], DATA_SEL
        mov dword [%1 + TSS_DS], DATA_SEL
        mov dword [%1 + TSS_ES], DATA_SEL
        mov dword [%1 + TSS_FS], DATA_SEL
        mov dword [%1 + TSS_GS], DATA_SEL
        mov word [%1 + TSS_IOBASE], 0x68
        mov dword [%1 + TSS_LINK], 0xDEAD
%endmacro

%macro TYPE_BYTE 1              ; EAX = access byte of the GDT descriptor %1
        movzx eax, byte [GDT_BASE + %1 + 5]
%endmacro

test_main:
        SET_DESC SEL_TSSA, TSSA, 0x67, 0x89, FLG_16
        SET_DESC SEL_TSSB, TSSB, 0x67, 0x89, FLG_16
        SET_DESC SEL_TSS_SHORT, TSSC, 0x50, 0x89, FLG_16
        SET_DESC SEL_TSS_NP, TSSC, 0x67, 0x09, FLG_16
        SET_GDT_GATE GATE_A3, 0, SEL_TSSA, 0xE5, 0
        SET_GDT_GATE GATE_A0, 0, SEL_TSSA, 0x85, 0
        SET_IDT_GATE VEC_TASKB, 0, SEL_TSSB, 0x85
        SET_IDT_GATE VEC_TASKMAIN, 0, TSS_SEL, 0x85

        ; ---- JMP to a TSS and JMP back
        INIT_TSS TSSA, task_a_jmp, STACK_A
        mov ebx, 0x11111111
        mov esi, 0x22222222
        mov ebp, 0x33333333
        jmp SEL_TSSA:0
.jmp_back:
        clts
        CHECK_EQ ebx, 0x11111111, "JMP back to the main task restored EBX"
        CHECK_EQ esi, 0x22222222, "JMP back to the main task restored ESI"
        CHECK_EQ ebp, 0x33333333, "JMP back to the main task restored EBP"
        CHECK_EQ [REC + 0], SEL_TSSA, "in task A, TR = its TSS selector"
        CHECK_EQ [REC + 4], 0xA0A0A0A0, "task A's EAX came from its TSS"
        CHECK_EQ [REC + 36], TSSA, "task A's EBX came from its TSS"
        CHECK_EQ [REC + 8], 2, "JMP: task A's EFLAGS came from its TSS, NT clear"
        CHECK_EQ [REC + 12], 0x89, "JMP: the old task's TSS descriptor is available (busy cleared)"
        CHECK_EQ [REC + 16], 0x8B, "JMP: task A's TSS descriptor is busy"
        CHECK_EQ [REC + 20], 0xDEAD, "JMP: task A's back-link was not written"
        CHECK_EQ [REC + 24], 8, "a task switch sets CR0.TS"
        CHECK_EQ [REC + 28], .jmp_back, "old TSS: saved EIP is the instruction after the JMP"
        CHECK_EQ [REC + 32], 0x11111111, "old TSS: saved EBX"
        CHECK_EQ [REC + 40], STACK_A, "task A ran on the stack from its TSS"
        CHECK_EQ [TSSA + TSS_EIP], task_a_jmp.after, "task A's TSS: saved EIP after its JMP back"
        CHECK_EQ [TSSA + TSS_EDX], 0xD0D0D0D0, "task A's TSS: saved EDX"
        TYPE_BYTE SEL_TSSA
        CHECK_EQ eax, 0x89, "after the JMP back, task A is available"
        TYPE_BYTE TSS_SEL
        CHECK_EQ eax, 0x8B, "after the JMP back, the main task is busy"
        xor eax, eax
        str ax
        CHECK_EQ eax, TSS_SEL, "after the JMP back, TR = the main TSS"

        ; ---- CALL to a TSS, IRET back through the back-link
        INIT_TSS TSSA, task_a_call, STACK_A
        mov ebx, 0x44444444
        call SEL_TSSA:0
        clts
        CHECK_EQ ebx, 0x44444444, "IRET back to the main task restored EBX"
        CHECK_EQ [REC + 8], EFL_NT | 2, "CALL: NT is set in the new task"
        CHECK_EQ [REC + 12], 0x8B, "CALL: the calling task stays busy"
        CHECK_EQ [REC + 16], 0x8B, "CALL: the new task is busy"
        CHECK_EQ [REC + 20], TSS_SEL, "CALL: back-link = the caller's TSS selector"
        TYPE_BYTE SEL_TSSA
        CHECK_EQ eax, 0x89, "IRET: the returning task's busy bit is cleared"
        mov eax, [TSSA + TSS_EFLAGS]
        and eax, EFL_NT
        CHECK_EQ eax, 0, "IRET: NT is cleared in the returning task's saved EFLAGS"
        pushfd
        pop eax
        and eax, EFL_NT
        CHECK_EQ eax, 0, "IRET: the resumed task's NT is as it was saved (0)"

        ; ---- CALL through a GDT task gate (DPL0) from CPL 0
        INIT_TSS TSSA, task_a_call, STACK_A
        call GATE_A0:0
        clts
        CHECK_EQ [REC + 20], TSS_SEL, "CALL through a task gate: back-link written"
        CHECK_EQ [REC + 0], SEL_TSSA, "CALL through a task gate: TR = the gate's TSS"

        ; ---- from CPL 3: DPL0 task gate faults, DPL3 task gate switches
        INIT_TSS TSSA, task_a_call, STACK_A
        RUN_RING3 r3_gate0
        CHECK_EXC 13, GATE_A0, r3_gate0.insn, "CPL3 CALL through a DPL0 task gate -> #GP(gate)"
        RUN_RING3 r3_gate3
        CHECK_RETURNED "CPL3 CALL through a DPL3 task gate, IRET back to CPL3"
        CHECK_EQ [REC + 0], SEL_TSSA, "the CPL3 caller reached task A"
        CHECK_EQ [REC + 44], UCODE_SEL, "the CPL3 caller's CS was saved in the old TSS"
        CHECK_EQ [REC + 48], UDATA_SEL, "the CPL3 caller's SS was saved in the old TSS"
        CHECK_EQ [exc_cs], UCODE_SEL, "after IRET the caller runs at CPL3 again"
        clts

        ; ---- INT n through an IDT task gate
        INIT_TSS TSSB, task_b_int, STACK_B
        mov ebx, 0x55555555
        int VEC_TASKB
        clts
        CHECK_EQ ebx, 0x55555555, "INT through a task gate and IRET back restored EBX"
        CHECK_EQ [REC + 0], SEL_TSSB, "INT through an IDT task gate reached task B"
        CHECK_EQ [REC + 8], EFL_NT | 2, "INT through a task gate: NT set in task B"
        CHECK_EQ [REC + 20], TSS_SEL, "INT through a task gate: back-link written"
        TYPE_BYTE SEL_TSSB
        CHECK_EQ eax, 0x89, "task B available again after its IRET"

        ; ---- faults
        TRY
.c1:    call TSS_SEL:0
        CATCH
        CHECK_EXC 13, TSS_SEL, .c1, "CALL to the running (busy) TSS -> #GP(sel)"
        TRY
.j1:    jmp TSS_SEL:0
        CATCH
        CHECK_EXC 13, TSS_SEL, .j1, "JMP to a busy TSS -> #GP(sel)"
        TRY
.i1:    int VEC_TASKMAIN
        CATCH
        CHECK_EXC 13, TSS_SEL, .i1, "INT through a task gate to a busy TSS -> #GP(sel)"
        INIT_TSS TSSC, task_b_int, STACK_B
        TRY
.j2:    jmp SEL_TSS_SHORT:0
        CATCH
        CHECK_EXC 10, SEL_TSS_SHORT, .j2, "JMP to a TSS with limit < 0x67 -> #TS(sel)"
        TRY
.j3:    jmp SEL_TSS_NP:0
        CATCH
        CHECK_EXC 11, SEL_TSS_NP, .j3, "JMP to a not-present TSS -> #NP(sel)"
        TYPE_BYTE TSS_SEL
        CHECK_EQ eax, 0x8B, "the failed switches left the main task busy"
        xor eax, eax
        str ax
        CHECK_EQ eax, TSS_SEL, "the failed switches left TR alone"
        ; IRET with NT=1 whose back-link names an available TSS
        mov word [TSS_BASE + TSS_LINK], SEL_TSSA
        pushfd
        or dword [esp], EFL_NT
        popfd
        TRY
.ir:    iretd
        CATCH
        mov word [TSS_BASE + TSS_LINK], 0
        CHECK_EXC 10, SEL_TSSA, .ir, "IRET with NT=1 to an available (not busy) TSS -> #TS(link)"

        TEST_END

; ---- task A, entered by JMP: record, JMP back to the main task
task_a_jmp:
        mov [REC + 4], eax
        pushfd
        pop dword [REC + 8]
        mov [REC + 40], esp
        xor eax, eax
        str ax
        mov [REC + 0], eax
        call record_common
        mov edx, 0xD0D0D0D0
        jmp TSS_SEL:0
.after:
        jmp .after

; record_common: EBX as loaded, descriptor types, back-link, CR0.TS, old TSS
record_common:
        mov [REC + 36], ebx
        TYPE_BYTE TSS_SEL
        mov [REC + 12], eax
        xor eax, eax
        str ax
        mov ecx, eax
        and eax, 0xFFF8
        movzx eax, byte [GDT_BASE + eax + 5]
        mov [REC + 16], eax
        mov eax, ecx
        mov ecx, TSSA
        cmp eax, SEL_TSSA
        je .a
        mov ecx, TSSB
.a:     movzx eax, word [ecx + TSS_LINK]
        cmp dword [ecx + TSS_LINK], 0xDEAD
        jne .l
        mov eax, 0xDEAD
.l:     mov [REC + 20], eax
        mov eax, cr0
        and eax, 8
        mov [REC + 24], eax
        mov eax, [TSS_BASE + TSS_EIP]
        mov [REC + 28], eax
        mov eax, [TSS_BASE + TSS_EBX]
        mov [REC + 32], eax
        mov eax, [TSS_BASE + TSS_CS]
        mov [REC + 44], eax
        mov eax, [TSS_BASE + TSS_SS]
        mov [REC + 48], eax
        ret

; ---- task A, entered by CALL: record, IRET back
task_a_call:
        mov [REC + 4], eax
        pushfd
        pop dword [REC + 8]
        xor eax, eax
        str ax
        mov [REC + 0], eax
        call record_common
        iretd
        jmp task_a_call             ; a later switch into A resumes after the IRET

; ---- task B, entered by INT through a task gate
task_b_int:
        mov [REC + 4], eax
        pushfd
        pop dword [REC + 8]
        xor eax, eax
        str ax
        mov [REC + 0], eax
        call record_common
        iretd
        jmp task_b_int

; ---- ring 3
r3_gate0:
.insn:  call GATE_A0 | 3:0
        int VEC_RETURN
r3_gate3:
        call GATE_A3 | 3:0
        int VEC_RETURN

HARNESS_END
