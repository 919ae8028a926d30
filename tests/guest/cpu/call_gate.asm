; call_gate: far CALL/JMP/RETF across privilege levels, with and without call gates.
;
; Proves: a far CALL from CPL 3 through a DPL-3 32-bit call gate to DPL-0 code switches
; to the stack in TSS.SS0:ESP0, pushes the caller's SS:ESP, copies the gate's parameter
; count of dwords in order, pushes CS:EIP, and runs at CPL 0; RETF imm16 returns to
; CPL 3, pops the parameters off both stacks, and nulls the data segment registers whose
; DPL is below the new CPL (keeping the others); a gate to DPL-1 code takes TSS.SS1:ESP1
; and a bad SS1 there gives #TS(SS1); gate DPL < CPL or < RPL gives #GP(gate), a
; not-present gate #NP(gate), a CALL to less privileged code or a JMP through a gate to
; more privileged code #GP(code selector); a direct far CALL to non-conforming code of
; another DPL is #GP(sel) while conforming code is entered without changing CPL; a RETF
; to a more privileged CS is #GP(sel).
;
; Follows Intel SDM Vol. 3A 5.8 (privilege level checking when transferring program
; control: 5.8.1 direct calls, 5.8.2-5.8.6 call gates, stack switching, returning), 7.2.1
; (TSS stack fields); Vol. 2 CALL, JMP and RET operation pseudocode.

%define TEST_NAME "call_gate"
%include "harness.inc"

GATE3           equ 0x80    ; 32-bit call gate, DPL3 -> CODE_SEL:gate_target, 2 params
GATE0           equ 0x88    ; 32-bit call gate, DPL0 -> CODE_SEL:gate_target
GATE_NP         equ 0x90    ; DPL3, not present
GATE_R1         equ 0x98    ; DPL3 -> SEL_CODE1:ring1_target, 0 params
SEL_CODE1       equ 0xA0    ; code, DPL1
SEL_DATA1       equ 0xA8    ; data RW, DPL1 (stack for ring 1)
SEL_CONF0       equ 0xB0    ; code, conforming, DPL0
GATE_TO3        equ 0xB8    ; DPL0 gate -> UCODE_SEL (less privileged code)
GATE_DPL2       equ 0xC0    ; DPL2 gate -> CODE_SEL:gate_target

REC0            equ SCRATCH + 0x100     ; what the CPL-0 gate target saw
REC3            equ SCRATCH + 0x200     ; what the ring-3 code saw after RETF
REC1            equ SCRATCH + 0x300     ; what the ring-1 target saw
RING1_STACK     equ 0x78000

test_main:
        SET_GDT_GATE GATE3, gate_target, CODE_SEL, 0xEC, 2
        SET_GDT_GATE GATE0, gate_target, CODE_SEL, 0x8C, 2
        SET_GDT_GATE GATE_NP, gate_target, CODE_SEL, 0x6C, 0
        SET_GDT_GATE GATE_R1, ring1_target, SEL_CODE1 | 1, 0xEC, 0
        SET_GDT_GATE GATE_TO3, gate_target, UCODE_SEL, 0x8C, 0
        SET_GDT_GATE GATE_DPL2, gate_target, CODE_SEL, 0xCC, 0
        SET_DESC SEL_CODE1, 0, 0xFFFFF, 0xBA, FLG_32
        SET_DESC SEL_DATA1, 0, 0xFFFFF, 0xB2, FLG_32
        SET_DESC SEL_CONF0, 0, 0xFFFFF, 0x9E, FLG_32

        ; --- CPL3 -> CPL0 through the gate, parameters copied, RETF 8 back
        mov edi, REC0
        mov ecx, 0x300 / 4
        xor eax, eax
        rep stosd
        RUN_RING3 r3_call_gate
        CHECK_RETURNED "CPL3 CALL through a DPL3 call gate reaches CPL0 and RETF comes back"
        CHECK_EQ [REC0 + 0], TSS_ESP0 - 24, "CPL0 stack is TSS.ESP0 minus SS, ESP, 2 params, CS, EIP"
        CHECK_EQ [REC0 + 4], DATA_SEL, "CPL0 SS is TSS.SS0"
        CHECK_EQ [REC0 + 8], CODE_SEL, "CPL0 CS is the gate's selector (RPL 0)"
        CHECK_EQ [REC0 + 12], r3_call_gate.ret, "pushed EIP is the return address"
        CHECK_EQ [REC0 + 16], UCODE_SEL, "pushed CS is the caller's"
        CHECK_EQ [REC0 + 20], 0x22222222, "first parameter (caller's [ESP]) copied on top"
        CHECK_EQ [REC0 + 24], 0x11111111, "second parameter copied below it"
        CHECK_EQ [REC0 + 28], USER_STACK_TOP - 8, "pushed ESP is the caller's ESP (after its pushes)"
        CHECK_EQ [REC0 + 32], UDATA_SEL, "pushed SS is the caller's"
        CHECK_EQ [REC3 + 0], USER_STACK_TOP, "after RETF 8 the ring-3 ESP is above the parameters"
        CHECK_EQ [REC3 + 4], UCODE_SEL, "after RETF CS is the ring-3 code"
        CHECK_EQ [REC3 + 8], UDATA_SEL, "after RETF SS is the ring-3 stack"
        CHECK_EQ [REC3 + 12], 0, "RETF to CPL3 nulled DS (DPL0)"
        CHECK_EQ [REC3 + 16], 0, "RETF to CPL3 nulled ES (DPL0)"
        CHECK_EQ [REC3 + 20], UDATA_SEL, "RETF to CPL3 kept FS (DPL3)"
        CHECK_EQ [REC3 + 24], 0, "RETF to CPL3 nulled GS (DPL0)"
        CHECK_EQ [REC3 + 28], 0x5A, "the value computed at CPL0 arrived (EAX kept)"

        ; --- CPL3 -> CPL1 through a gate: stack from SS1:ESP1
        mov dword [TSS_BASE + TSS_SS1F], SEL_DATA1 | 1
        mov dword [TSS_BASE + TSS_ESP1F], RING1_STACK
        RUN_RING3 r3_call_ring1
        CHECK_RETURNED "CPL3 CALL through a gate to DPL1 code and RETF back"
        CHECK_EQ [REC1 + 0], RING1_STACK - 16, "CPL1 stack is TSS.ESP1 minus SS, ESP, CS, EIP"
        CHECK_EQ [REC1 + 4], SEL_DATA1 | 1, "CPL1 SS is TSS.SS1"
        CHECK_EQ [REC1 + 8], SEL_CODE1 | 1, "CPL1 CS has RPL 1"
        mov dword [TSS_BASE + TSS_SS1F], SEL_DATA1     ; RPL 0 != new CPL 1
        RUN_RING3 r3_call_ring1
        CHECK_EXC 10, SEL_DATA1, r3_call_ring1.insn, "TSS.SS1 with RPL != 1 -> #TS(SS1) at the CALL"
        mov dword [TSS_BASE + TSS_SS1F], SEL_DATA1 | 1

        ; --- gate and target checks
        RUN_RING3 r3_call_gate0
        CHECK_EXC 13, GATE0, r3_call_gate0.insn, "CPL3 CALL through a DPL0 gate -> #GP(gate)"
        RUN_RING3 r3_call_np
        CHECK_EXC 11, GATE_NP, r3_call_np.insn, "CALL through a not-present gate -> #NP(gate)"
        RUN_RING3 r3_jmp_gate
        CHECK_EXC 13, CODE_SEL, r3_jmp_gate.insn, "CPL3 JMP through a gate to DPL0 code -> #GP(code sel)"
        TRY
.dpl2:  call GATE_DPL2 | 3:0
        CATCH
        CHECK_EXC 13, GATE_DPL2, .dpl2, "CALL through a DPL2 gate with RPL3 -> #GP(gate)"
        TRY
.to3:   call GATE_TO3:0
        CATCH
        CHECK_EXC 13, UCODE_SEL & 0xFFFC, .to3, "CPL0 CALL through a gate to DPL3 code -> #GP(code sel)"

        ; --- direct far calls
        RUN_RING3 r3_call_direct
        CHECK_EXC 13, CODE_SEL, r3_call_direct.insn, "CPL3 direct far CALL to DPL0 non-conforming code -> #GP(sel)"
        RUN_RING3 r3_call_conf
        CHECK_RETURNED "CPL3 direct far CALL to DPL0 conforming code is allowed"
        CHECK_EQ [REC3 + 32], SEL_CONF0 | 3, "conforming code runs with CPL3 (CS RPL = 3)"
        CHECK_EQ [REC3 + 36], USER_STACK_TOP - 16, "no stack switch into conforming code (ESP = caller ESP - CS - EIP)"
        RUN_RING3 r3_retf_up
        CHECK_EXC 13, CODE_SEL, r3_retf_up.insn, "CPL3 RETF to a CPL0 CS -> #GP(sel)"

        TEST_END

; ---- ring 3 ----
r3_call_gate:
        push dword 0x11111111
        push dword 0x22222222
        xor eax, eax
        mov ax, UDATA_SEL
        mov fs, ax
        call GATE3 | 3:0
.ret:   mov [ss:REC3 + 0], esp
        mov [ss:REC3 + 28], eax
        mov ax, cs
        mov [ss:REC3 + 4], eax
        mov ax, ss
        mov [ss:REC3 + 8], eax
        mov ax, ds
        mov [ss:REC3 + 12], eax
        mov ax, es
        mov [ss:REC3 + 16], eax
        mov ax, fs
        mov [ss:REC3 + 20], eax
        mov ax, gs
        mov [ss:REC3 + 24], eax
        int VEC_RETURN
r3_call_ring1:
.insn:  call GATE_R1 | 3:0
        int VEC_RETURN
r3_call_gate0:
.insn:  call GATE0 | 3:0
        int VEC_RETURN
r3_call_np:
.insn:  call GATE_NP | 3:0
        int VEC_RETURN
r3_jmp_gate:
.insn:  jmp GATE3 | 3:0
r3_call_direct:
.insn:  call CODE_SEL:conf_target
        int VEC_RETURN
r3_call_conf:
        push eax
        push eax
        call SEL_CONF0:conf_target
        int VEC_RETURN
r3_retf_up:
        push dword CODE_SEL
        push dword gate_target
.insn:  retf

; ---- CPL 0 target of GATE3: record the frame, load DPL0 DS/ES/GS, return with RETF 8
gate_target:
        mov [REC0 + 0], esp         ; DS is still the caller's flat DPL3 segment
        mov ax, ss
        movzx eax, ax
        mov [REC0 + 4], eax
        mov ax, cs
        mov [REC0 + 8], eax
        mov eax, [esp]
        mov [REC0 + 12], eax
        mov eax, [esp + 4]
        mov [REC0 + 16], eax
        mov eax, [esp + 8]
        mov [REC0 + 20], eax
        mov eax, [esp + 12]
        mov [REC0 + 24], eax
        mov eax, [esp + 16]
        mov [REC0 + 28], eax
        mov eax, [esp + 20]
        mov [REC0 + 32], eax
        mov ax, DATA_SEL
        mov ds, ax
        mov es, ax
        mov gs, ax
        mov eax, 0x5A
        retf 8

; ---- CPL 1 target of GATE_R1
ring1_target:
        mov [ss:REC1 + 0], esp
        xor eax, eax
        mov ax, ss
        mov [ss:REC1 + 4], eax
        mov ax, cs
        mov [ss:REC1 + 8], eax
        retf

; ---- conforming code (entered at CPL3)
conf_target:
        xor eax, eax
        mov ax, cs
        mov [ss:REC3 + 32], eax
        mov [ss:REC3 + 36], esp
        retf

HARNESS_END
