/*
 * Unrecoverable CPU exceptions on the lx106: one line on stderr, then the
 * QEMU run exits with a status a test script can check:
 *   100 + EXCCAUSE  (109 = LoadStoreAlignment, 100 = IllegalInstruction,
 *                    which is also what an integer division by zero in
 *                    intmath.c raises, 106 = IntegerDivideByZero)
 *   99              BREAK or NMI
 *   98              double exception (start.S, without C)
 * Runs with PS.EXCM = 1, where a second fault is a double exception, so it
 * uses no stdio: only plain stores and the semihosting write.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lx106_rt.h"

static const char *cause_text(unsigned cause)
{
    switch (cause) {
    case 0: return "IllegalInstruction";
    case 2: return "InstructionFetchError";
    case 3: return "LoadStoreError";
    case 6: return "IntegerDivideByZero";
    case 9: return "LoadStoreAlignment";
    case 15: return "LoadStorePIFAddrError (unmapped address)";
    case 20: return "InstFetchProhibited";
    case 28: return "LoadProhibited";
    case 29: return "StoreProhibited";
    default: return "exception";
    }
}

static void say(const char *s)
{
    write(2, s, strlen(s));
}

static void say_hex(const char *name, unsigned v)
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

void lx106_fatal(unsigned vector, unsigned cause, unsigned pc, unsigned vaddr)
{
    int debug = vector == 0x10 || vector == 0x20;

    lx106_console_flush();
    say("\n*** lx106 fatal: ");
    if (debug)
        say(vector == 0x10 ? "BREAK" : "NMI");
    else
        say(cause_text(cause));
    say_hex(" cause", cause);
    say_hex(" pc", pc);
    say_hex(" addr", vaddr);
    say_hex(" vector", vector);
    say("\n");
    _exit(debug ? 99 : 100 + (int)(cause & 0x3Fu));
}
