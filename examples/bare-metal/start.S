/* SPDX-License-Identifier: MIT
 * slrt-demo startup: a multiboot v1 header (QEMU's -kernel loads multiboot v1 ELF32 images),
 * a stack, a cleared .bss, and a call into demo_main(magic, multiboot info).
 * The loader enters in 32-bit protected mode with paging off, EAX = 0x2BADB002, EBX = the
 * multiboot information structure (Multiboot Specification 0.6.96, §3.2). */

#define MULTIBOOT_MAGIC 0x1BADB002
#define MULTIBOOT_FLAGS 0x00000000

    .section .multiboot, "a"
    .balign 4
    .long MULTIBOOT_MAGIC
    .long MULTIBOOT_FLAGS
    .long -(MULTIBOOT_MAGIC + MULTIBOOT_FLAGS)

    .section .bss
    .balign 16
stack_bottom:
    .skip 131072
stack_top:

    .section .text
    .code32
    .global _start
    .type _start, @function
_start:
    cli
    cld
    mov %eax, %esi          /* multiboot magic */
    mov %ebx, %ebp          /* multiboot information */
    mov $__bss_start, %edi  /* the stack lives in .bss: clear it before the first push */
    mov $__bss_end, %ecx
    sub %edi, %ecx
    xor %eax, %eax
    rep stosb
    mov $stack_top, %esp
    sub $8, %esp            /* 16-byte aligned at the call */
    push %ebp
    push %esi
    call demo_main
1:  cli
    hlt
    jmp 1b
    .size _start, . - _start

    .section .note.GNU-stack, "", @progbits
