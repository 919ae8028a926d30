; double_fault: exceptions raised while delivering an exception.
;
; Proves: a contributory exception raised while delivering a contributory exception
; (#GP whose IDT gate is not present -> #NP) becomes a double fault, delivered through
; IDT vector 8 with error code 0; a page fault while delivering a page fault (the CPL-0
; stack is in a not-present page) becomes #DF, which a task gate in IDT[8] handles on
; its own stack: the #DF task sees error code 0 on its stack, TR = its TSS, NT set and
; the back-link to the faulting task, CR2 in the stack page, and can resume the
; faulting task with IRET after repairing its saved state; a page fault while
; delivering a contributory exception (#GP whose IDT entry lies in a not-present page)
; is not a double fault: the #PF is delivered, with CR2 = the IDT entry's address and
; an error code for a supervisor read of a not-present page.
;
; Follows Intel SDM Vol. 3A 6.15 "Interrupt 8—Double Fault Exception (#DF)" (Tables 6-4
; and 6-5: benign, contributory and page-fault classes), 6.14.5/7.3 (task gates for
; exception handling), 6.15 "Interrupt 14" (CR2), 4.7 (implicit supervisor accesses).

%define TEST_NAME "double_fault"
%include "harness.inc"

SEL_DFTSS       equ 0x80
DF_TSS          equ 0x6000
DF_STACK        equ 0x6F000
BAD_STACK_PAGE  equ 0x70000     ; not present while the stack points into it
SPLIT_IDT       equ 0x9000 - 14 * 8     ; entries 0-13 in page 0x8000, 14- in 0x9000
REC             equ SCRATCH + 0x100

%define PTE(lin) (PT_BASE + ((lin) >> 12) * 4)

test_main:
        ; --- #GP with a not-present #GP gate -> #NP -> #DF (interrupt gate, good stack)
        SET_IDT_GATE 13, harness_stubs + 13 * 16, CODE_SEL, 0x0E     ; not present
        TRY
        mov ax, 0x1234
        mov fs, ax                              ; #GP(0x1234)
        CATCH
        SET_IDT_GATE 13, harness_stubs + 13 * 16, CODE_SEL, 0x8E
        CHECK_EXC 8, 0, ANY, "#GP with a not-present #GP gate (-> #NP, contributory) -> #DF"

        ; --- #PF while pushing the #PF frame -> #DF through a task gate
        mov edi, DF_TSS
        mov ecx, 0x68 / 4
        xor eax, eax
        rep stosd
        mov dword [DF_TSS + TSS_EIP], df_task
        mov dword [DF_TSS + TSS_ESP], DF_STACK
        mov dword [DF_TSS + TSS_EFLAGS], 2
        mov dword [DF_TSS + TSS_CS], CODE_SEL
        mov dword [DF_TSS + TSS_SS], DATA_SEL
        mov dword [DF_TSS + TSS_DS], DATA_SEL
        mov dword [DF_TSS + TSS_ES], DATA_SEL
        mov dword [DF_TSS + TSS_CR3], PD_BASE
        mov word [DF_TSS + TSS_IOBASE], 0x68
        SET_DESC SEL_DFTSS, DF_TSS, 0x67, 0x89, FLG_16
        SET_IDT_GATE 8, 0, SEL_DFTSS, 0x85
        call paging_identity_32
        and dword [PTE(BAD_STACK_PAGE)], ~1
        mov dword [TSS_BASE + TSS_CR3], PD_BASE ; a task switch never writes CR3 into
        call paging_on                          ; the old TSS: IRET back loads this one
        mov [REC + 0], esp
        mov esp, BAD_STACK_PAGE + 0x1000
.push:  push eax                                ; #PF; pushing its frame: #PF -> #DF
        ; not reached: df_task resumes at df_resume
df_resume:
        mov [REC + 28], eax
        call paging_off
        SET_IDT_GATE 8, harness_stubs + 8 * 16, CODE_SEL, 0x8E
        CHECK_EQ [REC + 4], 0, "#PF while delivering #PF -> #DF through a task gate, error code 0 on its stack"
        CHECK_EQ [REC + 8], SEL_DFTSS, "the #DF task runs with TR = its TSS"
        CHECK_EQ [REC + 12], TSS_SEL, "the #DF task's back-link is the faulting task"
        CHECK_EQ [REC + 16], EFL_NT, "the #DF task runs with NT=1"
        CHECK_EQ [REC + 20], BAD_STACK_PAGE, "CR2 is in the not-present stack page"
        CHECK_EQ [REC + 24], DF_STACK - 4, "the #DF task runs on its own stack"
        CHECK_EQ [REC + 28], 0x0DF0, "IRET from the #DF task resumed the repaired faulting task"
        xor eax, eax
        str ax
        CHECK_EQ eax, TSS_SEL, "after the IRET, TR = the main TSS again"
        movzx eax, byte [GDT_BASE + SEL_DFTSS + 5]
        CHECK_EQ eax, 0x89, "after the IRET, the #DF TSS is available again"

        ; --- #PF while delivering #GP: handled serially, not #DF
        mov esi, IDT_BASE
        mov edi, SPLIT_IDT
        mov ecx, 256 * 8 / 4
        rep movsd
        call paging_identity_32
        and dword [PTE(0x8000)], ~1
        call paging_on
        lidt [split_idt_ptr]
        TRY
.gp:    mov ax, 0x1234
        mov fs, ax
        CATCH
        lidt [harness_idt_ptr]
        call paging_off
        CHECK_EXC 14, 0, ANY, "#PF while reading the #GP gate -> the #PF is delivered (no #DF)"
        CHECK_EQ [exc_cr2], SPLIT_IDT + 13 * 8, "  ...with CR2 = the address of the IDT entry"

        TEST_END

split_idt_ptr:
        dw IDT_LIMIT
        dd SPLIT_IDT

; the #DF task: record, repair the faulting task's saved state, IRET to it
df_task:
        mov eax, [esp]
        mov [REC + 4], eax
        xor eax, eax
        str ax
        mov [REC + 8], eax
        movzx eax, word [DF_TSS + TSS_LINK]
        mov [REC + 12], eax
        pushfd
        pop eax
        and eax, EFL_NT
        mov [REC + 16], eax
        mov eax, cr2
        and eax, 0xFFFFF000
        mov [REC + 20], eax
        mov [REC + 24], esp
        ; the main task resumes at df_resume with its old stack and EAX = 0x0DF0
        mov dword [TSS_BASE + TSS_EIP], df_resume
        mov eax, [REC + 0]
        mov [TSS_BASE + TSS_ESP], eax
        mov dword [TSS_BASE + TSS_EAX], 0x0DF0
        mov eax, [TSS_BASE + TSS_EFLAGS]
        and eax, ~EFL_TF
        mov [TSS_BASE + TSS_EFLAGS], eax
        add esp, 4                              ; the error code
        iretd
        jmp df_task

HARNESS_END
