build/arm64/user/obj/tool/cmd_info.o: tool/cmd_info.c tool/cli.h \
 tool/json.h lib/include/libmmdemo.h ../include/uapi/linux/mmdemo.h \
 tool/parse.h tool/version.h
tool/cli.h:
tool/json.h:
lib/include/libmmdemo.h:
../include/uapi/linux/mmdemo.h:
tool/parse.h:
tool/version.h:
