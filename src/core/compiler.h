/* Compiler hints for code size and stack depth; empty where the compiler
 * has no such extension, so the core stays plain C11 elsewhere. */
#ifndef ABOTA_CORE_COMPILER_H
#define ABOTA_CORE_COMPILER_H

/* Keeps a helper out of line: for a big local that must not land on the
 * frame of every caller (GCC would inline a static function called once). */
#if defined(__GNUC__)
#define ABOTA_NOINLINE __attribute__((noinline))
#else
#define ABOTA_NOINLINE
#endif

#endif
