/*
 * Reset and fault handling for the Cortex-M3 tests (QEMU mps2-an385),
 * with newlib and librdimon: stdio, files and exit() go to the host by
 * ARM semihosting (`bkpt 0xab`, only valid with QEMU's -semihosting).
 *
 * Our Reset_Handler is used instead of rdimon's crt0 _start, which would
 * move SP to where QEMU's SYS_HEAPINFO points (another RAM bank) rather
 * than keep the vector table's value. The crt0 is still linked by
 * rdimon.specs and dropped again by --gc-sections.
 *
 * Unaligned word accesses are left untrapped (CCR.UNALIGN_TRP = 0): the
 * Cortex-M3 does them in hardware and newlib's prebuilt memcpy and printf
 * rely on that. Unaligned-access checking is the lx106 runs' job.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void Reset_Handler(void);
void cm3_fault(const uint32_t *frame, uint32_t exception);
void initialise_monitor_handles(void); /* librdimon */
void __libc_init_array(void);          /* newlib: runs constructors */
int main(void);

extern char __stack[], __bss_start__[], __bss_end__[];

void Reset_Handler(void)
{
    memset(__bss_start__, 0, (size_t)(__bss_end__ - __bss_start__));
    initialise_monitor_handles();
    /* Unbuffered output: what a test printed before a fault is not lost.
       stderr already is; one semihosting call per write either way. */
    setvbuf(stdout, NULL, _IONBF, 0);
    __libc_init_array();
    exit(main());
}

/* System Control Block fault status registers. */
#define CFSR (*(volatile const uint32_t *)0xE000ED28u)
#define HFSR (*(volatile const uint32_t *)0xE000ED2Cu)
#define BFAR (*(volatile const uint32_t *)0xE000ED38u)
#define CFSR_UNALIGNED (1u << 24)

static void say(const char *s)
{
    write(2, s, strlen(s));
}

static void say_hex(const char *name, uint32_t v)
{
    char text[12];
    text[0] = ' ';
    text[1] = '0';
    text[2] = 'x';
    for (int i = 0; i < 8; i++)
        text[3 + i] = "0123456789abcdef"[(v >> (28 - 4 * i)) & 0xFu];
    text[11] = '\0';
    say(name);
    say(text);
}

/* frame: what the CPU stacked on entry (r0-r3, r12, lr, pc, xpsr).
   Exit status: 100 + exception number (103 = HardFault), 109 when the
   fault is an unaligned access, as on the lx106. */
void cm3_fault(const uint32_t *frame, uint32_t exception)
{
    uint32_t cfsr = CFSR;

    say("\n*** cortex-m3 fault:");
    if (cfsr & CFSR_UNALIGNED)
        say(" unaligned access");
    say_hex(" exception", exception);
    say_hex(" pc", frame[6]);
    say_hex(" lr", frame[5]);
    say_hex(" cfsr", cfsr);
    say_hex(" hfsr", HFSR);
    say_hex(" bfar", BFAR);
    say("\n");
    _exit((cfsr & CFSR_UNALIGNED) ? 109 : 100 + (int)exception);
}

/* Every fault and unexpected exception: hand the stacked frame (main
   stack, the only one in use) and the exception number to cm3_fault. */
__attribute__((naked)) static void fault_entry(void)
{
    __asm__ volatile("mrs r0, msp\n\t"
                     "mrs r1, ipsr\n\t"
                     "b cm3_fault\n\t");
}

typedef void (*vector_fn)(void);

__attribute__((section(".isr_vector"), used))
static const vector_fn vector_table[16] = {
    (vector_fn)(uintptr_t)__stack, /* initial stack pointer */
    Reset_Handler,
    fault_entry, /* NMI */
    fault_entry, /* HardFault */
    fault_entry, /* MemManage */
    fault_entry, /* BusFault */
    fault_entry, /* UsageFault */
    0, 0, 0, 0,
    fault_entry, /* SVCall */
    fault_entry, /* DebugMonitor */
    0,
    fault_entry, /* PendSV */
    fault_entry, /* SysTick */
};
