# Links LIBS into one relocatable object starting from ENTRY (what a firmware
# would pull in: -u ENTRY, --whole-archive is not used), then fails when `nm -u`
# lists a symbol that is not in ALLOW (one name per line, # comments).
# cmake -DCC=... -DNM=... -DLIBS="a.a;b.a" -DOUT=x.o -DALLOW=list -DENTRY=sym -P this
execute_process(COMMAND ${CC} -nostdlib -r -Wl,-u,${ENTRY} -Wl,--start-group ${LIBS}
                        -Wl,--end-group -o ${OUT}
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "link -r failed: ${err}")
endif()
execute_process(COMMAND ${NM} -u ${OUT} OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "nm failed")
endif()
file(STRINGS ${ALLOW} allow REGEX "^[A-Za-z_]")
string(REGEX MATCHALL "U [A-Za-z_0-9.]+" undef "${out}")
set(bad "")
set(n 0)
foreach(u ${undef})
  string(SUBSTRING "${u}" 2 -1 sym)
  math(EXPR n "${n} + 1")
  list(FIND allow "${sym}" i)
  if(i LESS 0)
    list(APPEND bad ${sym})
  endif()
endforeach()
# The entry itself must be defined, else the link pulled in nothing.
execute_process(COMMAND ${NM} --defined-only ${OUT} OUTPUT_VARIABLE defs)
if(NOT defs MATCHES " T ${ENTRY}\n")
  message(FATAL_ERROR "${ENTRY} is not defined in the linked object")
endif()
if(bad)
  foreach(b ${bad})
    message("not allowed: ${b}")
  endforeach()
  message(FATAL_ERROR "undefined symbols outside the SDK/libc allowlist")
endif()
message("${n} undefined symbols, all from the SDK, lwIP, FreeRTOS or libc")
