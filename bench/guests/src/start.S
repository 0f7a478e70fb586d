/* Multiboot v1 entry for warp86's guest programs: a stack, then main(magic, info); main's return
   value goes to the debug-exit port 0xF4 (run status = (value << 1) | 1). */
        .set MB_MAGIC, 0x1BADB002
        .set MB_FLAGS, 0x00000003
        .section .multiboot, "a"
        .align 4
        .long MB_MAGIC
        .long MB_FLAGS
        .long -(MB_MAGIC + MB_FLAGS)

        .section .bss
        .align 16
stack_bottom:
        .skip 65536
stack_top:

        .section .text
        .global _start
_start:
        mov $stack_top, %esp
        push %ebx
        push %eax
        call main
        mov $0xF4, %dx
        out %al, %dx
        cli
1:      hlt
        jmp 1b
