# Writes OUTPUT, a C file holding the Jack OS sources given in SOURCES (a ;-list), so that the tools carry the
# OS with them wherever they are installed.
set(body "")
set(table "")
set(index 0)
foreach(source IN LISTS SOURCES)
  get_filename_component(class ${source} NAME_WE)
  file(READ ${source} hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(APPEND body "static const char os_${index}[] = {${bytes}0};\n")
  string(APPEND table "    {\"${class}\", os_${index}, sizeof os_${index} - 1},\n")
  math(EXPR index "${index} + 1")
endforeach()
file(WRITE ${OUTPUT} "/* Generated from os/jack by os/embed.cmake: do not edit. */\n#include \"hack/os.h\"\n\n${body}\nconst hack_os_class hack_os_classes[] = {\n${table}};\nconst size_t hack_os_class_count = ${index};\n")
