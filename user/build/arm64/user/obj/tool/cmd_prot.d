build/arm64/user/obj/tool/cmd_prot.o: tool/cmd_prot.c tool/child.h \
 tool/cli.h tool/json.h lib/include/libmmdemo.h \
 ../include/uapi/linux/mmdemo.h tool/parse.h
tool/child.h:
tool/cli.h:
tool/json.h:
lib/include/libmmdemo.h:
../include/uapi/linux/mmdemo.h:
tool/parse.h:
